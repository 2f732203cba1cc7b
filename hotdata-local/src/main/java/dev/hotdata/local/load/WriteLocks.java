package dev.hotdata.local.load;

import dev.hotdata.local.api.ApiException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One write lock per database (reference §6.4). A semaphore, not a reentrant lock, because an async
 * load takes the lock on the request thread and releases it on the job thread.
 */
public final class WriteLocks {
    private final ConcurrentHashMap<String, Semaphore> locks = new ConcurrentHashMap<>();

    private Semaphore lock(String databaseId) {
        return locks.computeIfAbsent(databaseId, k -> new Semaphore(1));
    }

    /** Takes the lock or answers 409 {@code RESOURCE_LOCKED}. */
    public void acquireOrConflict(String databaseId) {
        if (!lock(databaseId).tryAcquire()) {
            throw ApiException.conflict(
                    "RESOURCE_LOCKED",
                    "database '" + databaseId + "' is locked by another load; retry later");
        }
    }

    /** Waits up to the timeout for the lock (fault injection: hold it on purpose). */
    public boolean acquire(String databaseId, long timeoutMillis) throws InterruptedException {
        return lock(databaseId).tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public void release(String databaseId) {
        lock(databaseId).release();
    }

    public boolean isLocked(String databaseId) {
        return lock(databaseId).availablePermits() == 0;
    }
}
