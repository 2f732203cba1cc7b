package dev.hotdata.local.fault;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A write lock (a database's or one table's) held on purpose by a test; release it (or let its
 * duration end).
 */
public final class LockHold implements AutoCloseable {
    private final String databaseId;
    private final Runnable releaser;
    private final AtomicBoolean held = new AtomicBoolean(true);

    LockHold(String databaseId, Runnable releaser) {
        this.databaseId = databaseId;
        this.releaser = releaser;
    }

    public String databaseId() {
        return databaseId;
    }

    public boolean isHeld() {
        return held.get();
    }

    /** Releases the lock; idempotent. */
    public void release() {
        if (held.compareAndSet(true, false)) {
            releaser.run();
        }
    }

    @Override
    public void close() {
        release();
    }
}
