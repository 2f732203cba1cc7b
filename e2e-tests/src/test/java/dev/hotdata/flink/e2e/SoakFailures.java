package dev.hotdata.flink.e2e;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's task failure "while writing": passes events through and fails the task once when the
 * events seen so far by all subtasks and attempts pass a threshold and a checkpoint has completed.
 * (The failure after {@code prepareCommit} is {@link SoakSink}'s.) The MiniCluster runs every
 * attempt in this JVM, so the counters are static; runs are sequential and {@link #reset()} them.
 */
class SoakFailures extends RichMapFunction<Long, Long> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicBoolean FAILED_WHILE_WRITING = new AtomicBoolean();
    private static final AtomicBoolean CHECKPOINT_COMPLETED = new AtomicBoolean();

    /** Negative: no such failure in this run. */
    private final long failWhileWritingAt;

    SoakFailures(long failWhileWritingAt) {
        this.failWhileWritingAt = failWhileWritingAt;
    }

    static void reset() {
        SEEN.set(0);
        FAILED_WHILE_WRITING.set(false);
        CHECKPOINT_COMPLETED.set(false);
    }

    /** Whether a checkpoint of the current run has completed (seen by this operator). */
    static boolean checkpointCompleted() {
        return CHECKPOINT_COMPLETED.get();
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
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINT_COMPLETED.set(true);
    }
}
