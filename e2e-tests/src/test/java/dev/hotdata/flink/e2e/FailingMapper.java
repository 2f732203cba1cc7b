package dev.hotdata.flink.e2e;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Passes ids through and fails the task once, at a chosen point of the checkpoint cycle. It is
 * chained with the sink writer, so {@link #snapshotState} runs after the writer's {@code
 * prepareCommit} of the same checkpoint. The "failed once" flag is static because the MiniCluster
 * runs every attempt in this JVM; tests reset it.
 */
class FailingMapper extends RichMapFunction<Long, Long>
        implements CheckpointedFunction, CheckpointListener {

    /** Where the failure is injected. */
    enum Point {
        /** While processing records, after a checkpoint completed: uploads not yet prepared. */
        WHILE_WRITING,
        /** In the snapshot of a checkpoint, after the writer uploaded its files for it. */
        AFTER_PREPARE_COMMIT
    }

    static final AtomicBoolean FAILED = new AtomicBoolean();

    private final Point point;
    private final long afterRecords;
    private transient long seen;
    private transient boolean checkpointCompleted;

    FailingMapper(Point point, long afterRecords) {
        this.point = point;
        this.afterRecords = afterRecords;
    }

    static void reset() {
        FAILED.set(false);
    }

    @Override
    public void open(OpenContext openContext) {
        seen = 0;
        checkpointCompleted = false;
    }

    @Override
    public Long map(Long value) {
        seen++;
        if (point == Point.WHILE_WRITING
                && checkpointCompleted
                && seen >= afterRecords
                && FAILED.compareAndSet(false, true)) {
            throw new RuntimeException("Injected failure while writing");
        }
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        if (point == Point.AFTER_PREPARE_COMMIT
                && checkpointCompleted
                && seen >= afterRecords
                && FAILED.compareAndSet(false, true)) {
            throw new RuntimeException(
                    "Injected failure after prepareCommit of checkpoint "
                            + context.getCheckpointId());
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointCompleted = true;
    }
}
