package dev.hotdata.flink.benchmarks;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.table.data.RowData;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A pass-through chained to the source that notes when each checkpoint completed (wall clock, the
 * moment Flink tells the job's tasks, the sink's committer among them, to commit it). The
 * MiniCluster runs in this JVM: the times are in a static map, by run label.
 */
final class CheckpointTimes implements MapFunction<RowData, RowData>, CheckpointListener {

    private static final long serialVersionUID = 1L;

    private static final Map<String, NavigableMap<Long, Long>> COMPLETED =
            new ConcurrentHashMap<>();

    private final String label;

    CheckpointTimes(String label) {
        this.label = label;
    }

    /** Checkpoint id → wall-clock ms when it completed, for a run (live view). */
    static NavigableMap<Long, Long> completed(String label) {
        return COMPLETED.computeIfAbsent(label, k -> new ConcurrentSkipListMap<>());
    }

    static void forget(String label) {
        COMPLETED.remove(label);
    }

    @Override
    public RowData map(RowData row) {
        return row;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        completed(label).putIfAbsent(checkpointId, System.currentTimeMillis());
    }
}
