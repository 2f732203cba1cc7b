package dev.hotdata.flink.e2e;

import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passes ids through and fails the task once, at a chosen point of the checkpoint cycle.
 *
 * <p>{@link FailoverJobs} chains it with the sink writer (and refuses a job where it is not): Flink
 * runs {@code prepareSnapshotPreBarrier} of every operator of a chain (the writer's {@code
 * prepareCommit}, which finalizes the checkpoint's uploads) before {@code snapshotState} of any, so
 * {@link Point#AFTER_PREPARE_COMMIT} fails after the writer finalized its uploads of the checkpoint
 * and before the checkpoint can complete, hence before the committer loads them. When it fires, it
 * records the uploads the server had finalized by then ({@link #FINALIZED_AT_FAILURE}) from the
 * request log of the server given to {@link #reset(HotdataLocalServer)}, so a test can assert that
 * some of them were never loaded.
 *
 * <p>The flags are static because the MiniCluster runs every attempt in this JVM; tests reset them.
 */
class FailingMapper extends RichMapFunction<Long, Long>
        implements CheckpointedFunction, CheckpointListener {

    /** The operator's name; {@link FailoverJobs} finds it in the job graph by it. */
    static final String NAME = "failing mapper";

    /** Where the failure is injected. */
    enum Point {
        /** While processing records, after a checkpoint completed: uploads not yet prepared. */
        WHILE_WRITING,
        /** In the snapshot of a checkpoint, after the writer uploaded its files for it. */
        AFTER_PREPARE_COMMIT
    }

    static final AtomicBoolean FAILED = new AtomicBoolean();

    /** The checkpoint whose snapshot failed ({@link Point#AFTER_PREPARE_COMMIT}), else -1. */
    static final AtomicLong FAILED_CHECKPOINT = new AtomicLong(-1);

    /** Ids of the uploads finalized (200) on the server when the failure fired. */
    static final Set<String> FINALIZED_AT_FAILURE = ConcurrentHashMap.newKeySet();

    private static final Pattern FINALIZE = Pattern.compile("/v1/uploads/([^/]+)/finalize");

    private static volatile HotdataLocalServer server;

    private final Point point;
    private final long afterRecords;
    private transient long seen;
    private transient boolean checkpointCompleted;

    FailingMapper(Point point, long afterRecords) {
        this.point = point;
        this.afterRecords = afterRecords;
    }

    /** Re-arms the failure; nothing is recorded when it fires. */
    static void reset() {
        reset(null);
    }

    /** Re-arms the failure; the server (in this JVM) is read when it fires. */
    static void reset(HotdataLocalServer hotdataLocal) {
        FAILED.set(false);
        FAILED_CHECKPOINT.set(-1);
        FINALIZED_AT_FAILURE.clear();
        server = hotdataLocal;
    }

    /** Ids of the uploads the server finalized (200) so far. */
    static Set<String> finalizedUploads(HotdataLocalServer hotdataLocal) {
        Set<String> ids = new java.util.HashSet<>();
        hotdataLocal.requestLog().matching("POST", FINALIZE.pattern()).stream()
                .filter(r -> r.status() == 200)
                .forEach(
                        r -> {
                            Matcher m = FINALIZE.matcher(r.path());
                            if (m.matches()) {
                                ids.add(m.group(1));
                            }
                        });
        return ids;
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
            FAILED_CHECKPOINT.set(context.getCheckpointId());
            HotdataLocalServer s = server;
            if (s != null) {
                FINALIZED_AT_FAILURE.addAll(finalizedUploads(s));
            }
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
