package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.types.RowKind;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rows for {@code insert-only}: the first row of each key within a checkpoint is written, later
 * rows with the same key are not (the first insert wins, as it will against the table). Only the
 * keys are held in heap; rows go straight to rolling Parquet files. Keys already in the table are
 * filtered on the server when the checkpoint is published.
 */
@Internal
final class HotdataInsertOnlyRows implements HotdataPendingRows {

    /** Rough heap cost of one entry of the key set beyond the key's bytes. */
    private static final long ENTRY_OVERHEAD = 80;

    private final HotdataRollingFiles files;
    private final HotdataRowKeys keys;
    private final String description;
    private Set<BinaryRowData> seen = new HashSet<>();
    private long keyBytes;
    private long peakKeyBytes;

    HotdataInsertOnlyRows(HotdataRollingFiles files, HotdataRowKeys keys, String description) {
        this.files = files;
        this.keys = keys;
        this.description = description;
    }

    @Override
    public void add(RowData row) throws IOException {
        if (row.getRowKind() != RowKind.INSERT) {
            throw new IOException(
                    "The Hotdata sink into "
                            + description
                            + " is in 'insert-only' mode, which accepts only inserts, but received"
                            + " a row of kind "
                            + row.getRowKind()
                            + ". Use write mode 'upsert' for a changelog.");
        }
        BinaryRowData key = keys.keyOf(row);
        if (seen.add(key)) {
            keyBytes += key.getSizeInBytes() + ENTRY_OVERHEAD;
            peakKeyBytes = Math.max(peakKeyBytes, keyBytes);
            files.write(row);
        }
    }

    @Override
    public List<HotdataRollingFiles.LocalFile> takeReady() {
        return files.hasFinished()
                ? files.takeFinished()
                : java.util.Collections.<HotdataRollingFiles.LocalFile>emptyList();
    }

    @Override
    public List<HotdataRollingFiles.LocalFile> drain() throws IOException {
        seen = new HashSet<>();
        keyBytes = 0;
        return files.drain();
    }

    @Override
    public long peakBufferedBytes() {
        return files.peakBufferedBytes() + peakKeyBytes;
    }

    @Override
    public void close() throws IOException {
        seen.clear();
        files.close();
    }
}
