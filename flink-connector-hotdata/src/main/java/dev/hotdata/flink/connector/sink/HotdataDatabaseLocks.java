package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per Hotdata database within a JVM. Hotdata holds a write lock per database during a
 * load, so the committers of several sinks into one database (a statement set writing several
 * tables) take turns here instead of racing into 409 {@code RESOURCE_LOCKED} answers; the sinks of
 * one job commit a checkpoint together under it ({@link HotdataDatabaseCommits}), other jobs' take
 * turns with them. Committers in other processes still meet the server's lock, which the client
 * retries with back-off.
 */
@Internal
final class HotdataDatabaseLocks {

    private static final ConcurrentMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private HotdataDatabaseLocks() {}

    /** The lock of a database, identified by endpoint, workspace and database id. */
    static ReentrantLock of(String endpoint, String workspaceId, String databaseId) {
        return LOCKS.computeIfAbsent(
                endpoint + "|" + workspaceId + "|" + databaseId, k -> new ReentrantLock(true));
    }
}
