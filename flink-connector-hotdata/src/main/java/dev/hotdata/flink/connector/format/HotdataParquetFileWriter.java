package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;

import org.apache.parquet.hadoop.ParquetWriter;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One local Parquet file being written. Rows are buffered in heap one row group at a time (see
 * {@link ParquetWriterOptions#rowGroupSizeBytes()}); full row groups go to disk.
 */
@Internal
public final class HotdataParquetFileWriter implements Closeable {

    private final Path path;
    private final CountingOutputFile output;
    private final ParquetWriter<RowData> writer;
    private long rowCount;
    private boolean closed;

    HotdataParquetFileWriter(Path path, CountingOutputFile output, ParquetWriter<RowData> writer) {
        this.path = path;
        this.output = output;
        this.writer = writer;
    }

    /** Appends a row; a value the type cannot hold fails with the column's name. */
    public void write(RowData row) throws IOException {
        try {
            writer.write(row);
        } catch (IllegalArgumentException e) {
            throw new IOException("Cannot write a row to Parquet: " + e.getMessage(), e);
        }
        rowCount++;
    }

    public long rowCount() {
        return rowCount;
    }

    /** Bytes on disk plus the row group buffered in heap: the file's size if finished now. */
    public long estimatedSizeBytes() {
        return writer.getDataSize();
    }

    /** Heap held by the current row group. */
    public long bufferedBytes() {
        return Math.max(0, writer.getDataSize() - output.position());
    }

    /** Writes the footer and closes the file; the file is complete when this returns. */
    public void finish() throws IOException {
        if (!closed) {
            closed = true;
            writer.close();
        }
    }

    public Path path() {
        return path;
    }

    /** Abandons the file: closes it if still open and deletes it. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                writer.close();
            } finally {
                Files.deleteIfExists(path);
            }
        }
    }
}
