package dev.hotdata.flink.e2e;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The soak source's pace: {@code fast} events per second until the run's events are nearly all out;
 * then, while a drawn fault has not fired yet, only {@code slow} per second, so that the job keeps
 * checkpointing small uploads and loading them until every drawn fault found its moment (or the
 * run's fault deadline passed, after which the test names the faults that did not fire). Only the
 * pace changes: the events, and so the table a run must end with, stay the same.
 *
 * <p>The condition is static: the MiniCluster runs the source in this JVM, and runs are sequential
 * ({@link #arm}).
 */
final class SoakGate<S extends SourceSplit> implements RateLimiterStrategy<S> {

    private static final long serialVersionUID = 1L;

    private static volatile long holdFrom = Long.MAX_VALUE;
    private static volatile long deadlineNanos;
    private static volatile BooleanSupplier allFired = () -> true;

    private final double fast;
    private final double slow;

    SoakGate(double fast, double slow) {
        this.fast = fast;
        this.slow = slow;
    }

    /**
     * Holds the pace to slow once {@code seen} events have passed the failure operator, until
     * {@code fired} says every drawn fault fired or {@code maxHoldNanos} passed since now.
     */
    static void arm(long seen, BooleanSupplier fired, long maxHoldNanos) {
        allFired = fired;
        deadlineNanos = System.nanoTime() + maxHoldNanos;
        holdFrom = seen;
    }

    static void disarm() {
        holdFrom = Long.MAX_VALUE;
        allFired = () -> true;
    }

    static boolean holding() {
        return SoakFailures.SEEN.get() >= holdFrom
                && System.nanoTime() < deadlineNanos
                && !allFired.getAsBoolean();
    }

    @Override
    public RateLimiter<S> createRateLimiter(int parallelism) {
        @SuppressWarnings("unchecked")
        RateLimiter<S> fastLimiter =
                RateLimiterStrategy.perSecond(fast).createRateLimiter(parallelism);
        @SuppressWarnings("unchecked")
        RateLimiter<S> slowLimiter =
                RateLimiterStrategy.perSecond(slow).createRateLimiter(parallelism);
        return new RateLimiter<S>() {
            @Override
            public CompletionStage<Void> acquire(int numberOfEvents) {
                return holding()
                        ? slowLimiter.acquire(numberOfEvents)
                        : fastLimiter.acquire(numberOfEvents);
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) {
                fastLimiter.notifyCheckpointComplete(checkpointId);
                slowLimiter.notifyCheckpointComplete(checkpointId);
            }
        };
    }
}
