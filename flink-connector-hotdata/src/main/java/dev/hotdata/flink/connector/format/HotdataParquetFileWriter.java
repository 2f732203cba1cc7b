package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

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

    private final Path path;
    private final LocalParquetOutputFile outputFile;
    private final HotdataCodecFactory codecs;
    private final ParquetWriter<RowData> writer;

    private long rowCount;
    private long finalSize = -1;
    private boolean finished;
    private boolean closed;
    private Throwable failure;

    HotdataParquetFileWriter(
            Path path, RowDataWriteSupport writeSupport, ParquetWriterOptions options)
            throws IOException {
        this.path = path;
        this.outputFile = new LocalParquetOutputFile(path);
        this.codecs = new HotdataCodecFactory();
        ParquetWriter<RowData> w;
        try {
            w =
                    new Builder(outputFile, writeSupport)
                            // no Hadoop: a plain configuration and our own codecs
                            .withConf(new PlainParquetConfiguration())
                            .withCodecFactory(codecs)
                            .withWriteMode(ParquetFileWriter.Mode.CREATE)
                            .withCompressionCodec(options.compression().codecName())
                            .withRowGroupSize(options.rowGroupSizeBytes())
                            .withPageSize(options.pageSizeBytes())
                            .withDictionaryPageSize(options.pageSizeBytes())
                            .withDictionaryEncoding(options.dictionaryEnabled())
                            // v1 data pages: the most widely readable
                            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                            // padding only helps HDFS block alignment
                            .withMaxPaddingSize(0)
                            .withValidation(false)
                            .build();
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
     * Meant for rolling files by size.
     */
    public long estimatedSizeBytes() {
        if (finished) {
            return finalSize;
        }
        if (closed) {
            return 0;
        }
        return writer.getDataSize();
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
        return Math.max(0, writer.getDataSize() - outputFile.position());
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

    /** parquet-java's builder, configured without Hadoop. */
    private static final class Builder extends ParquetWriter.Builder<RowData, Builder> {
        private final WriteSupport<RowData> writeSupport;

        Builder(OutputFile file, WriteSupport<RowData> writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<RowData> getWriteSupport(ParquetConfiguration conf) {
            return writeSupport;
        }

        /** Required by the abstract builder; never called since a ParquetConfiguration is set. */
        @Override
        @Deprecated
        protected WriteSupport<RowData> getWriteSupport(Configuration conf) {
            return writeSupport;
        }
    }
}
