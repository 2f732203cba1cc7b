package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The rows a writer subtask holds for the next checkpoint, shaped by the write mode: what it hands
 * over in {@link #drain()} are finished local Parquet files, in the order they must be published.
 */
@Internal
interface HotdataPendingRows extends Closeable {

    /** Takes one row; the row may be reused by Flink afterwards. */
    void add(RowData row) throws IOException;

    /**
     * Hands over the files already finished and final (rolled files; complete upsert batches), so
     * they can be uploaded before the checkpoint; {@link #drain()} then returns only the rest.
     */
    List<HotdataRollingFiles.LocalFile> takeReady();

    /** Finishes everything pending and hands over the files, in publishing order. */
    List<HotdataRollingFiles.LocalFile> drain() throws IOException;

    /** The most heap the pending rows held, for the writer's gauge. */
    long peakBufferedBytes();
}
