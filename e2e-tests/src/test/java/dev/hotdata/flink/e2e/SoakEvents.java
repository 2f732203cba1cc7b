package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataRowConverter;

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
 * The soak's keyed changelog: event {@code i} of a run is a pure function of the run's seed and
 * {@code i}, so a replayed event is the same event, and the table a run must end with is computed
 * here from the events alone. About one event in eight deletes its key; the others insert or update
 * it with a value naming the event, so a stale or resurrected row shows.
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

    /** Event {@code index} as the sink's row: its key, value, an amount and a time. */
    static RowData row(long seed, int keys, long index) {
        long id = key(seed, keys, index);
        GenericRowData row =
                GenericRowData.of(
                        id,
                        StringData.fromString(value(index)),
                        DecimalData.fromBigDecimal(BigDecimal.valueOf(index % 100_000, 2), 12, 2),
                        TimestampData.fromEpochMillis(TestRows.EPOCH_MILLIS + index));
        row.setRowKind(isDelete(seed, index) ? RowKind.DELETE : RowKind.UPDATE_AFTER);
        return row;
    }

    static HotdataRowConverter<Long> converter(long seed, int keys) {
        return index -> row(seed, keys, index);
    }

    static KeySelector<Long, Long> keySelector(long seed, int keys) {
        return index -> key(seed, keys, index);
    }

    /** The table after events {@code 0..events-1}: key to the value of its last event. */
    static Map<Long, String> expected(long seed, int keys, long events) {
        Map<Long, String> table = new HashMap<>();
        for (long i = 0; i < events; i++) {
            long id = key(seed, keys, i);
            if (isDelete(seed, i)) {
                table.remove(id);
            } else {
                table.put(id, value(i));
            }
        }
        return table;
    }
}
