package dev.hotdata.flink.benchmarks;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.table.data.RowData;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark rows, generated in the source task, noting when each source subtask made its first
 * and its last row. Source and sink are chained, so the sink writes each row right after it is
 * made: the span from the first row to the last is the time the sink took to take in every row,
 * checkpoint pauses included, without job start-up and without the final commit. Read with {@link
 * #firstAndLast(String)}; the MiniCluster runs in this JVM, so a static map is how the tasks
 * report.
 */
final class TimedRows implements GeneratorFunction<Long, RowData> {

    private static final long serialVersionUID = 1L;

    private static final Map<String, long[]> SPANS = new ConcurrentHashMap<>();

    private final String label;
    private transient long first;
    private transient long last;

    TimedRows(String label) {
        this.label = label;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        first = 0;
        last = 0;
    }

    @Override
    public RowData map(Long index) {
        long now = System.nanoTime();
        if (first == 0) {
            first = now;
        }
        last = now;
        return BenchmarkRows.row(index);
    }

    @Override
    public void close() {
        if (first != 0) {
            long f = first;
            long l = last;
            SPANS.merge(
                    label,
                    new long[] {f, l},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
    }

    /**
     * {@link System#nanoTime()} of the first row made by any subtask and of the last, for a run's
     * label (read once).
     */
    static long[] firstAndLast(String label) {
        long[] s = SPANS.remove(label);
        if (s == null) {
            throw new IllegalStateException("No rows were timed for " + label);
        }
        return s;
    }
}
