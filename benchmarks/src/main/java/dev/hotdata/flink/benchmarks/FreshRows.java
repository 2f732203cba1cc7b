package dev.hotdata.flink.benchmarks;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The {@link BenchmarkRows} order rows with {@code created_at} a {@code TIMESTAMP_LTZ(3)} set to
 * the wall clock when the source makes the row, for freshness. The generator also counts the rows
 * it made per 100 ms of {@code created_at} (and per {@code order_id % tables}), so the freshness
 * poller knows when it has seen every row of a slice of time. The MiniCluster runs in this JVM: the
 * counts are in a static map, by run label ({@link #register}).
 */
final class FreshRows implements GeneratorFunction<Long, RowData> {

    private static final long serialVersionUID = 1L;

    /** The width of the time slices counted, in ms. */
    static final long BUCKET_MILLIS = 100;

    static final RowType ROW_TYPE;

    static {
        LogicalType[] types = BenchmarkRows.ROW_TYPE.getChildren().toArray(new LogicalType[0]);
        types[10] = new LocalZonedTimestampType(3);
        ROW_TYPE = RowType.of(types, BenchmarkRows.ROW_TYPE.getFieldNames().toArray(new String[0]));
    }

    private static final Map<String, Generated> RUNS = new ConcurrentHashMap<>();

    /** What the generator of one run made. */
    static final class Generated {
        final int tables;
        final AtomicLong rows = new AtomicLong();
        volatile long firstMillis;
        volatile long lastMillis;
        final Map<Long, AtomicLongArray> buckets = new ConcurrentHashMap<>();

        Generated(int tables) {
            this.tables = tables;
        }

        /**
         * Rows made in the 100 ms slice {@code bucket}: of residue {@code table} of {@code order_id
         * % tables} when {@code split}, else all of them.
         */
        long made(long bucket, int table, boolean split) {
            AtomicLongArray counts = buckets.get(bucket);
            if (counts == null) {
                return 0;
            }
            if (split) {
                return counts.get(table);
            }
            long sum = 0;
            for (int i = 0; i < counts.length(); i++) {
                sum += counts.get(i);
            }
            return sum;
        }
    }

    /** Starts counting a run's rows; call before the job starts. */
    static Generated register(String label, int tables) {
        Generated g = new Generated(tables);
        RUNS.put(label, g);
        return g;
    }

    /** Stops counting a run's rows. */
    static void forget(String label) {
        RUNS.remove(label);
    }

    private final String label;
    private transient Generated generated;
    private transient long bucket = Long.MIN_VALUE;
    private transient AtomicLongArray counts;

    FreshRows(String label) {
        this.label = label;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        generated = RUNS.get(label);
        if (generated == null) {
            throw new IllegalStateException("run " + label + " was not registered");
        }
    }

    @Override
    public RowData map(Long index) {
        long now = System.currentTimeMillis();
        GenericRowData row = (GenericRowData) BenchmarkRows.row(index);
        row.setField(10, TimestampData.fromEpochMillis(now));
        long b = now / BUCKET_MILLIS;
        if (b != bucket) {
            bucket = b;
            counts =
                    generated.buckets.computeIfAbsent(
                            b, k -> new AtomicLongArray(generated.tables));
        }
        counts.incrementAndGet((int) (index % generated.tables));
        if (generated.rows.getAndIncrement() == 0) {
            generated.firstMillis = now;
        }
        generated.lastMillis = now;
        return row;
    }
}
