package dev.hotdata.flink.connector.format;

import org.apache.flink.table.data.RowData;

import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.Collections;

/**
 * Writes records into the row groups of one Parquet file: what parquet-java's {@code ParquetWriter}
 * and its internal record writer do, built from the same public parts ({@link ParquetFileWriter},
 * {@link ColumnChunkPageWriteStore}, the column write store of {@link ParquetProperties}), so the
 * files are the same. Two things differ:
 *
 * <ul>
 *   <li>a flat schema is written through {@link FlatRecordConsumer}, straight into the column
 *       writers, instead of through {@code MessageColumnIO}'s general record consumer (nested
 *       schemas still use that one);
 *   <li>{@link #dataSize()} and {@link #bufferedSize()} come from one walk over the column buffers
 *       that the caller can space out, and {@link #allocatedSize()} is exposed.
 * </ul>
 *
 * <p>Row groups are closed the way parquet-java closes them: the buffered size is checked at
 * intervals of rows estimated from the average row size (between {@link
 * ParquetProperties#getMinRowCountForPageSizeCheck()} and {@link
 * ParquetProperties#getMaxRowCountForPageSizeCheck()} rows), and the group is written out when it
 * is within about two rows of the target size. Not thread-safe.
 */
final class RowGroupWriter {

    private final ParquetFileWriter file;
    private final MessageType schema;
    private final RowDataWriteSupport writeSupport;
    private final BytesInputCompressor compressor;
    private final ParquetProperties props;
    private final long rowGroupSize;
    private final boolean flat;

    private ColumnChunkPageWriteStore pageStore;
    private ColumnWriteStore columnStore;
    private RecordConsumer consumer;
    private int rowGroupOrdinal;
    private long nextRowGroupSize;
    private long recordCount;
    private long recordCountForNextCheck;
    private long lastRowGroupEndPos;

    RowGroupWriter(
            OutputFile output,
            MessageType schema,
            RowDataWriteSupport writeSupport,
            BytesInputCompressor compressor,
            ParquetProperties props,
            long rowGroupSize)
            throws IOException {
        this.schema = schema;
        this.writeSupport = writeSupport;
        this.compressor = compressor;
        this.props = props;
        this.rowGroupSize = rowGroupSize;
        this.nextRowGroupSize = rowGroupSize;
        this.flat = FlatRecordConsumer.isFlat(schema);
        // as ParquetWriter builds it: no padding (only useful for HDFS blocks), no encryption
        this.file =
                new ParquetFileWriter(
                        output,
                        schema,
                        ParquetFileWriter.Mode.CREATE,
                        rowGroupSize,
                        0,
                        null,
                        props);
        file.start();
        initStore();
        recordCountForNextCheck = props.getMinRowCountForPageSizeCheck();
    }

    private void initStore() {
        pageStore =
                new ColumnChunkPageWriteStore(
                        compressor,
                        schema,
                        props.getAllocator(),
                        props.getColumnIndexTruncateLength(),
                        props.getPageWriteChecksumEnabled(),
                        null,
                        rowGroupOrdinal);
        columnStore = props.newColumnWriteStore(schema, pageStore, pageStore);
        consumer =
                flat
                        ? new FlatRecordConsumer(schema, columnStore)
                        : new ColumnIOFactory(false)
                                .getColumnIO(schema)
                                .getRecordWriter(columnStore);
        writeSupport.prepareForWrite(consumer);
    }

    void write(RowData row) throws IOException {
        writeSupport.write(row);
        recordCount++;
        if (recordCount >= recordCountForNextCheck) {
            checkRowGroupSize();
        }
    }

    private void checkRowGroupSize() throws IOException {
        long buffered = columnStore.getBufferedSize();
        long recordSize = buffered / recordCount;
        // closer than about two rows to the target: better a little under than over
        if (buffered > nextRowGroupSize - 2 * recordSize) {
            flushRowGroup();
            initStore();
            // as parquet-java: the count is reset by the flush, so this is the minimum
            recordCountForNextCheck =
                    Math.min(
                            Math.max(props.getMinRowCountForPageSizeCheck(), recordCount / 2),
                            props.getMaxRowCountForPageSizeCheck());
            lastRowGroupEndPos = file.getPos();
        } else {
            // check again halfway to the estimated end of the row group
            recordCountForNextCheck =
                    Math.min(
                            Math.max(
                                    props.getMinRowCountForPageSizeCheck(),
                                    (recordCount
                                                    + (long)
                                                            (nextRowGroupSize
                                                                    / (float)
                                                                            Math.max(
                                                                                    1, recordSize)))
                                            / 2),
                            recordCount + props.getMaxRowCountForPageSizeCheck());
        }
    }

    private void flushRowGroup() throws IOException {
        try {
            consumer.flush();
            if (recordCount > 0) {
                rowGroupOrdinal++;
                file.startBlock(recordCount);
                columnStore.flush();
                pageStore.flushToFileWriter(file);
                recordCount = 0;
                file.endBlock();
                nextRowGroupSize = Math.min(file.getNextRowGroupSize(), rowGroupSize);
            }
        } finally {
            columnStore.close();
            pageStore.close();
            columnStore = null;
            pageStore = null;
        }
    }

    /** Bytes written to the file plus the encoded bytes buffered for the open row group. */
    long dataSize() {
        return lastRowGroupEndPos + columnStore.getBufferedSize();
    }

    /** Encoded bytes buffered for the open row group. */
    long bufferedSize() {
        return columnStore.getBufferedSize();
    }

    /** Heap held by the open row group's buffers (their capacity, at least the buffered size). */
    long allocatedSize() {
        return columnStore.getAllocatedSize();
    }

    /**
     * Writes the open row group and the footer, and closes the output. The footer names the
     * writer's model as {@code ParquetWriter} does.
     */
    void close() throws IOException {
        flushRowGroup();
        file.end(
                Collections.singletonMap(
                        ParquetWriter.OBJECT_MODEL_NAME_PROP, writeSupport.getName()));
    }
}
