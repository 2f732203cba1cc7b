package dev.hotdata.local.load;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.LockScope;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The loads' write locks, per database or per table ({@link LockScope}, a server reading). Each
 * database has one monitor that tracks a whole-database holder (a load under {@link
 * LockScope#DATABASE}, or a fault's hold) and the tables held by loads under {@link
 * LockScope#TABLE}: a whole-database lock is free only when no table is held, a table lock only
 * when neither the database nor that table is held. So the reading may be switched while loads run,
 * and a fault's hold of a database stops every load into it under both scopes.
 *
 * <p>Not owner-bound (a {@link Held} is released by whoever holds it), because an async load takes
 * the lock on the request thread and releases it on the job thread.
 */
public final class WriteLocks {
    private final ConcurrentHashMap<String, DatabaseLock> locks = new ConcurrentHashMap<>();

    private DatabaseLock lock(String databaseId) {
        return locks.computeIfAbsent(databaseId, k -> new DatabaseLock());
    }

    /** One taken lock; release it exactly once ({@link #release(Held)}). */
    public static final class Held {
        final String databaseId;

        /** The held table ({@code schema.table}), or null for the whole database. */
        final String table;

        private Held(String databaseId, String table) {
            this.databaseId = databaseId;
            this.table = table;
        }

        /** The held table ({@code schema.table}), or null when the whole database is held. */
        public String table() {
            return table;
        }
    }

    private static final class DatabaseLock {
        boolean whole;
        final Set<String> tables = new HashSet<>();

        boolean tryTake(String table) {
            if (whole) {
                return false;
            }
            if (table == null) {
                if (!tables.isEmpty()) {
                    return false;
                }
                whole = true;
                return true;
            }
            return tables.add(table);
        }

        void give(String table) {
            if (table == null) {
                whole = false;
            } else {
                tables.remove(table);
            }
        }
    }

    /**
     * Takes the lock a load into {@code schema.table} needs under {@code scope}, or answers 409
     * {@code RESOURCE_LOCKED}. Schema and table are the normalized names.
     */
    public Held acquireOrConflict(String databaseId, String schema, String table, LockScope scope) {
        String key = scope == LockScope.TABLE ? schema + "." + table : null;
        DatabaseLock l = lock(databaseId);
        synchronized (l) {
            if (l.tryTake(key)) {
                return new Held(databaseId, key);
            }
        }
        throw ApiException.conflict(
                "RESOURCE_LOCKED",
                (key == null ? "database '" + databaseId + "'" : "table '" + key + "'")
                        + " is locked by another load; retry later");
    }

    /**
     * Waits up to the timeout for the whole database's lock, i.e. until no load holds the database
     * or any of its tables (fault injection: hold it on purpose); null when it stayed taken.
     */
    public Held acquireDatabase(String databaseId, long timeoutMillis) throws InterruptedException {
        return acquire(databaseId, null, timeoutMillis);
    }

    /**
     * Waits up to the timeout for one table's lock (fault injection: a load of that table running);
     * null when it stayed taken. Like such a load, it refuses loads into that table under {@link
     * LockScope#TABLE} and loads into any table of the database under {@link LockScope#DATABASE}.
     */
    public Held acquireTable(String databaseId, String schema, String table, long timeoutMillis)
            throws InterruptedException {
        return acquire(databaseId, schema + "." + table, timeoutMillis);
    }

    private Held acquire(String databaseId, String key, long timeoutMillis)
            throws InterruptedException {
        DatabaseLock l = lock(databaseId);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (l) {
            while (!l.tryTake(key)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(l, left);
            }
            return new Held(databaseId, key);
        }
    }

    public void release(Held held) {
        DatabaseLock l = lock(held.databaseId);
        synchronized (l) {
            l.give(held.table);
            l.notifyAll();
        }
    }

    /** Whether a load or a hold has the whole database or any of its tables. */
    public boolean isLocked(String databaseId) {
        DatabaseLock l = lock(databaseId);
        synchronized (l) {
            return l.whole || !l.tables.isEmpty();
        }
    }
}
