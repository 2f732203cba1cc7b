package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;

import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@link RowData} into one new local Parquet file. Created by {@link
 * HotdataParquetWriterFactory#create(Path)}. Not thread-safe.
 *
 * <p>Lifecycle: {@link #write(RowData)} any number of times, then either {@link #finish()} (footer
 * written, file complete and closed; the file is kept) or {@link #close()} without finishing
 * (abort: the partial file is deleted). {@link #close()} after {@link #finish()} does nothing, so
 * try-with-resources is safe.
 *
 * <p>If a write fails (an I/O error, or a value the column cannot hold: a null in a NOT NULL
 * column, a null map key, a decimal wider than declared), the record is half-written and the file
 * cannot be completed: every later call except {@link #close()} fails with {@link
 * IllegalStateException}.
 *
 * <p>Memory: Parquet keeps the current row group in heap until it reaches {@link
 * ParquetWriterOptions#rowGroupSizeBytes()}, then writes it to the file. {@link #bufferedBytes()}
 * reports that buffered amount.
 */
@Internal
public final class HotdataParquetFileWriter implements Closeable {

    /** The content type Hotdata detects Parquet uploads by. */
    public static final String CONTENT_TYPE = "application/vnd.apache.parquet";

    private final Path path;
    private final LocalParquetOutputFile outputFile;
    private final HotdataCodecFactory codecs;
    private final RowGroupWriter writer;

    /** The most rows {@link #estimatedSizeBytes()} extrapolates over before measuring again. */
    private static final long MAX_ROWS_BETWEEN_MEASURES = 1024;

    private long rowCount;
    private long measuredRows;
    private long measuredSize;
    private long finalSize = -1;
    private boolean finished;
    private boolean closed;
    private Throwable failure;

    HotdataParquetFileWriter(
            Path path, RowDataWriteSupport writeSupport, ParquetWriterOptions options)
            throws IOException {
        this.path = path;
        this.outputFile = new LocalParquetOutputFile(path);
        this.codecs = new HotdataCodecFactory(options.zstdLevel());
        RowGroupWriter w;
        try {
            ParquetProperties props =
                    ParquetProperties.builder()
                            .withPageSize(options.pageSizeBytes())
                            .withDictionaryPageSize(options.pageSizeBytes())
                            .withDictionaryEncoding(options.dictionaryEnabled())
                            // v1 data pages: the most widely readable
                            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                            .build();
            w =
                    new RowGroupWriter(
                            outputFile,
                            writeSupport.init(new PlainParquetConfiguration()).getSchema(),
                            writeSupport,
                            codecs.getCompressor(options.compression().codecName()),
                            props,
                            options.rowGroupSizeBytes());
        } catch (IOException | RuntimeException e) {
            outputFile.closeQuietly();
            codecs.release();
            if (!(e instanceof java.nio.file.FileAlreadyExistsException)) {
                Files.deleteIfExists(path);
            }
            throw e;
        }
        this.writer = w;
    }

    /**
     * Appends one row.
     *
     * @throws IllegalArgumentException naming the column if a value cannot be written (see class
     *     doc); the writer is then unusable
     * @throws IOException if the file cannot be written; the writer is then unusable
     */
    public void write(RowData row) throws IOException {
        checkWritable();
        try {
            writer.write(row);
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        }
        rowCount++;
    }

    /** Rows written so far. */
    public long rowCount() {
        return rowCount;
    }

    /**
     * Size the file would have if finished now, approximately: bytes already written plus the
     * encoded size of the buffered row group (the footer is not counted). Exact once finished.
     * Meant for rolling files by size, and cheap enough to ask after every row: Parquet's own
     * figure walks every column's buffers, so it is taken again only after another 1/128 of the
     * rows written so far (at most 1024 rows, at least every row for the first 128) and
     * extrapolated by the average bytes per row in between.
     */
    public long estimatedSizeBytes() {
        if (finished) {
            return finalSize;
        }
        if (closed) {
            return 0;
        }
        long since = rowCount - measuredRows;
        if (since == 0) {
            return measuredSize;
        }
        if (since >= Math.min(MAX_ROWS_BETWEEN_MEASURES, Math.max(1, rowCount >>> 7))) {
            measuredSize = writer.dataSize();
            measuredRows = rowCount;
            return measuredSize;
        }
        return measuredSize + since * (measuredSize / Math.max(1, measuredRows));
    }

    /**
     * Bytes written to the file so far: complete row groups (and the header); they never change
     * afterwards. Some may still sit in a small stream buffer until {@link #flushWrittenBytes()}.
     */
    public long writtenBytes() {
        return outputFile.position();
    }

    /**
     * Makes the first {@link #writtenBytes()} bytes readable from the file by others, such as an
     * upload of its parts while it is being written.
     */
    public void flushWrittenBytes() throws IOException {
        checkWritable();
        outputFile.flush();
    }

    /**
     * Encoded bytes of the current, not yet written row group, held in heap (approximately: the
     * buffers' capacity may be larger). Zero once finished or closed.
     */
    public long bufferedBytes() {
        if (finished || closed) {
            return 0;
        }
        return writer.bufferedSize();
    }

    /**
     * Heap held by the open row group's buffers as parquet-java counts it: the capacity of the
     * value and level buffers (grown in slabs) and of the compressed pages waiting for the row
     * group to be written. Walks every column; meant for sampling, not for every row. Zero once
     * finished or closed.
     */
    public long allocatedBytes() {
        if (finished || closed) {
            return 0;
        }
        return writer.allocatedSize();
    }

    /**
     * Writes the last row group and the footer and closes the file. On return the file is complete
     * and readable (it is not fsync'ed: local files are re-created from the source after a failure,
     * never recovered).
     *
     * @throws IllegalStateException if already finished, closed, or failed
     */
    public void finish() throws IOException {
        checkWritable();
        try {
            writer.close(); // flushes the row group, writes the footer, closes the stream
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            codecs.release();
        }
        finished = true;
        finalSize = outputFile.position();
    }

    /** Size of the finished file in bytes. */
    public long fileSizeBytes() {
        if (!finished) {
            throw new IllegalStateException("File " + path + " is not finished");
        }
        return finalSize;
    }

    /** Whether {@link #finish()} completed. */
    public boolean isFinished() {
        return finished;
    }

    /** The local file this writer writes. */
    public Path path() {
        return path;
    }

    /**
     * Releases the writer. After {@link #finish()} this does nothing (the file is kept). Otherwise
     * it aborts: the buffered rows are dropped, and the partial file is deleted. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (finished || closed) {
            return;
        }
        closed = true;
        // never call writer.close() here: it would write a footer and make the partial file valid
        outputFile.closeQuietly();
        codecs.release();
        Files.deleteIfExists(path);
    }

    private void checkWritable() {
        if (failure != null) {
            throw new IllegalStateException(
                    "Parquet writer for " + path + " failed earlier and must be closed", failure);
        }
        if (finished) {
            throw new IllegalStateException("Parquet file " + path + " is already finished");
        }
        if (closed) {
            throw new IllegalStateException("Parquet writer for " + path + " is closed");
        }
    }
}
