package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataRowConverter;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.types.RowKind;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * The soak's events: event {@code i} of a run is a pure function of the run's seed, write mode and
 * {@code i}, so a replayed event is the same event, and the table a run must end with is computed
 * here from the events alone. Every row's value names its event, so a stale row shows.
 *
 * <ul>
 *   <li>{@code upsert}: a keyed changelog; about one event in eight deletes its key, the others
 *       insert or update it. The table holds each key's last value, deleted keys absent.
 *   <li>{@code insert-only}: inserts over the same key space, no updates or deletes. The table
 *       holds the first row of each key.
 *   <li>{@code append}: inserts with unique ids (the event index). The table holds every event's
 *       row exactly once, so a load applied twice shows as duplicate ids.
 * </ul>
 */
final class SoakEvents {

    private SoakEvents() {}

    /** A well-mixed 64-bit hash of the seed and the index (SplitMix64's finalizer). */
    static long hash(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long key(long seed, int keys, long index) {
        return Math.floorMod(hash(seed, index), (long) keys);
    }

    static boolean isDelete(long seed, long index) {
        return ((hash(seed, index) >>> 40) & 7) == 0;
    }

    /** The value event {@code index} writes. */
    static String value(long index) {
        return "v" + index;
    }

    /** The id column of event {@code index}: its key, or in append mode the index itself. */
    static long id(HotdataWriteMode mode, long seed, int keys, long index) {
        return mode == HotdataWriteMode.APPEND ? index : key(seed, keys, index);
    }

    /** Event {@code index} as the sink's row: its id, value, an amount and a time. */
    static RowData row(HotdataWriteMode mode, long seed, int keys, long index) {
        long id = id(mode, seed, keys, index);
        GenericRowData row =
                GenericRowData.of(
                        id,
                        StringData.fromString(value(index)),
                        DecimalData.fromBigDecimal(BigDecimal.valueOf(index % 100_000, 2), 12, 2),
                        TimestampData.fromEpochMillis(TestRows.EPOCH_MILLIS + index));
        if (mode == HotdataWriteMode.UPSERT) {
            row.setRowKind(isDelete(seed, index) ? RowKind.DELETE : RowKind.UPDATE_AFTER);
        } else {
            row.setRowKind(RowKind.INSERT);
        }
        return row;
    }

    static HotdataRowConverter<Long> converter(HotdataWriteMode mode, long seed, int keys) {
        return index -> row(mode, seed, keys, index);
    }

    static KeySelector<Long, Long> keySelector(long seed, int keys) {
        return index -> key(seed, keys, index);
    }

    /** The table after events {@code 0..events-1} in the write mode: id to value. */
    static Map<Long, String> expected(HotdataWriteMode mode, long seed, int keys, long events) {
        Map<Long, String> table = new HashMap<>();
        for (long i = 0; i < events; i++) {
            long id = id(mode, seed, keys, i);
            switch (mode) {
                case APPEND:
                    table.put(id, value(i)); // every event, once
                    break;
                case INSERT_ONLY:
                    table.putIfAbsent(id, value(i)); // the first insert of a key wins
                    break;
                case UPSERT:
                    if (isDelete(seed, i)) {
                        table.remove(id);
                    } else {
                        table.put(id, value(i)); // the last change of a key wins
                    }
                    break;
                default:
                    throw new IllegalArgumentException("no soak oracle for mode " + mode);
            }
        }
        return table;
    }
}
