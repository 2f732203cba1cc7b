package dev.hotdata.flink.e2e;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's task failures: passes events through and fails the task once "while writing" and/or
 * once "after prepareCommit" (in the snapshot of a checkpoint whose uploads the chained writer has
 * just made), each when the events seen so far by all subtasks and attempts pass a threshold and a
 * checkpoint has completed. The MiniCluster runs every attempt in this JVM, so the counters are
 * static; runs are sequential and {@link #reset()} them.
 */
class SoakFailures extends RichMapFunction<Long, Long>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicBoolean FAILED_WHILE_WRITING = new AtomicBoolean();
    static final AtomicBoolean FAILED_AFTER_PREPARE = new AtomicBoolean();
    private static final AtomicBoolean CHECKPOINT_COMPLETED = new AtomicBoolean();

    /** Negative: no such failure in this run. */
    private final long failWhileWritingAt;

    private final long failAfterPrepareAt;

    SoakFailures(long failWhileWritingAt, long failAfterPrepareAt) {
        this.failWhileWritingAt = failWhileWritingAt;
        this.failAfterPrepareAt = failAfterPrepareAt;
    }

    static void reset() {
        SEEN.set(0);
        FAILED_WHILE_WRITING.set(false);
        FAILED_AFTER_PREPARE.set(false);
        CHECKPOINT_COMPLETED.set(false);
    }

    @Override
    public Long map(Long index) {
        long seen = SEEN.incrementAndGet();
        if (failWhileWritingAt >= 0
                && seen >= failWhileWritingAt
                && CHECKPOINT_COMPLETED.get()
                && FAILED_WHILE_WRITING.compareAndSet(false, true)) {
            throw new RuntimeException("Soak: injected task failure while writing");
        }
        return index;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        if (failAfterPrepareAt >= 0
                && SEEN.get() >= failAfterPrepareAt
                && CHECKPOINT_COMPLETED.get()
                && FAILED_AFTER_PREPARE.compareAndSet(false, true)) {
            throw new RuntimeException(
                    "Soak: injected task failure after prepareCommit of checkpoint "
                            + context.getCheckpointId());
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINT_COMPLETED.set(true);
    }
}
