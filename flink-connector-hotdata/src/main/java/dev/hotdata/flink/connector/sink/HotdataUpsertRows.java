package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.types.RowKind;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A changelog reduced per key for {@code upsert}: the last change of each key wins. Inserts and
 * update-afters keep the row; deletes and update-befores keep a deletion of the key. On {@link
 * #drain()} (and whenever the buffer grows past its bound) the surviving rows are written to an
 * upsert file and the deleted keys to a key-only delete file. Each such segment holds every key at
 * most once, and segments are published in the order they were written, so the table ends as the
 * changelog says.
 */
@Internal
final class HotdataUpsertRows implements HotdataPendingRows {

    /** Rough heap cost of one map entry beyond the key's and row's bytes. */
    private static final long ENTRY_OVERHEAD = 96;

    /** Marks a deleted key in the buffer. */
    private static final BinaryRowData DELETED = new BinaryRowData(0);

    private final HotdataRollingFiles rows;
    private final HotdataRollingFiles deletes;
    private final HotdataRowKeys keys;
    private final RowDataSerializer rowSerializer;
    private final long maxBufferedBytes;
    private final List<HotdataRollingFiles.LocalFile> segments = new ArrayList<>();
    private Map<BinaryRowData, BinaryRowData> changes = new HashMap<>();
    private long bufferedBytes;
    private long peakBufferedBytes;

    HotdataUpsertRows(
            HotdataRollingFiles rows,
            HotdataRollingFiles deletes,
            HotdataRowKeys keys,
            RowDataSerializer rowSerializer,
            long maxBufferedBytes) {
        this.rows = rows;
        this.deletes = deletes;
        this.keys = keys;
        this.rowSerializer = rowSerializer;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    @Override
    public void add(RowData row) throws IOException {
        BinaryRowData key = keys.keyOf(row);
        BinaryRowData value;
        RowKind kind = row.getRowKind();
        if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
            value = rowSerializer.toBinaryRow(row).copy();
            value.setRowKind(RowKind.INSERT);
        } else {
            value = DELETED;
        }
        BinaryRowData previous = changes.put(key, value);
        if (previous == null) {
            bufferedBytes += key.getSizeInBytes() + ENTRY_OVERHEAD;
        } else {
            bufferedBytes -= previous.getSizeInBytes();
        }
        bufferedBytes += value.getSizeInBytes();
        peakBufferedBytes = Math.max(peakBufferedBytes, bufferedBytes + rows.peakBufferedBytes());
        if (bufferedBytes >= maxBufferedBytes) {
            writeSegment();
        }
    }

    /** Writes the buffered changes as one segment: the upserted rows, then the deleted keys. */
    private void writeSegment() throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        for (Map.Entry<BinaryRowData, BinaryRowData> change : changes.entrySet()) {
            if (change.getValue() == DELETED) {
                deletes.write(change.getKey());
            } else {
                rows.write(change.getValue());
            }
        }
        changes = new HashMap<>();
        bufferedBytes = 0;
        // keys are unique within a segment, so its two files commute; segments do not
        segments.addAll(rows.drain());
        segments.addAll(deletes.drain());
    }

    @Override
    public List<HotdataRollingFiles.LocalFile> takeReady() {
        // only whole batches: a batch's upsert and delete files must both exist before either
        // is published, and batches keep their order
        if (segments.isEmpty()) {
            return java.util.Collections.emptyList();
        }
        List<HotdataRollingFiles.LocalFile> out = new ArrayList<>(segments);
        segments.clear();
        return out;
    }

    @Override
    public List<HotdataRollingFiles.LocalFile> drain() throws IOException {
        writeSegment();
        List<HotdataRollingFiles.LocalFile> out = new ArrayList<>(segments);
        segments.clear();
        return out;
    }

    @Override
    public long peakBufferedBytes() {
        return peakBufferedBytes;
    }

    @Override
    public void close() throws IOException {
        changes.clear();
        for (HotdataRollingFiles.LocalFile file : segments) {
            Files.deleteIfExists(file.path);
        }
        segments.clear();
        try {
            rows.close();
        } finally {
            deletes.close();
        }
    }
}
