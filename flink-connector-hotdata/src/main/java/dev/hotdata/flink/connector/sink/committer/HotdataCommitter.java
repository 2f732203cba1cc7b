package dev.hotdata.flink.connector.sink.committer;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataErrorCodes;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.sink.HotdataSinkConfig;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkCommitterMetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Publishes a checkpoint's uploads with load calls, in checkpoint order, from the single committing
 * subtask the aggregator feeds.
 *
 * <p>Flink commits the restored checkpoint again on every restore, so a commit must be idempotent.
 * Hotdata claims an upload once: a second load of the same upload is refused as consumed, which
 * here means "already published". Transient errors are retried with back-off by the client;
 * terminal ones fail the job with the server's code and message and leave the committable in
 * Flink's state for the next attempt. Nothing is ever dropped.
 */
@Internal
public class HotdataCommitter implements Committer<HotdataCommittable> {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataCommitter.class);

    /** Messages meaning "this upload was consumed" under a reading with no dedicated code. */
    private static final Pattern CONSUMED_MESSAGE =
            Pattern.compile(
                    "(?i).*(consumed|already (been )?(used|loaded|claimed)).*", Pattern.DOTALL);

    private static final int ASYNC_AFTER_MS = 10_000;

    private final HotdataSinkConfig config;
    private final HotdataClient client;
    private final String jobId;
    private final Clock clock;
    private final Map<String, Long> lastLoggedCheckpoint = new HashMap<>();
    private final Counter loads;
    private final Counter loadedRows;
    private volatile long lastCommitMillis;

    private HotdataTarget target;
    private HotdataCommitLog commitLog;

    public HotdataCommitter(HotdataSinkConfig config, CommitterInitContext context) {
        this(
                config,
                new HotdataClient(config.clientConfig()),
                context.getJobInfo().getJobId().toString(),
                context.metricGroup(),
                Clock.systemUTC());
    }

    @VisibleForTesting
    HotdataCommitter(
            HotdataSinkConfig config,
            HotdataClient client,
            String jobId,
            SinkCommitterMetricGroup metrics,
            Clock clock) {
        this.config = config;
        this.client = client;
        this.jobId = jobId;
        this.clock = clock;
        this.loads = metrics.counter("hotdataLoads");
        this.loadedRows = metrics.counter("hotdataLoadedRows");
        metrics.gauge("hotdataLastCommitDurationMs", () -> lastCommitMillis);
    }

    @Override
    public void commit(Collection<CommitRequest<HotdataCommittable>> requests)
            throws IOException, InterruptedException {
        List<CommitRequest<HotdataCommittable>> ordered = new ArrayList<>(requests);
        ordered.sort(Comparator.comparingLong(r -> r.getCommittable().checkpointId()));
        boolean blocked = false;
        for (CommitRequest<HotdataCommittable> request : ordered) {
            if (blocked) {
                // a later checkpoint must not land before an earlier one
                request.retryLater();
                continue;
            }
            HotdataCommittable committable = request.getCommittable();
            try {
                if (commit(committable)) {
                    request.signalAlreadyCommitted();
                }
            } catch (HotdataException e) {
                blocked = true;
                if (e.isTransient()) {
                    LOG.warn(
                            "Publishing checkpoint {} into {} failed transiently, will retry: {}",
                            committable.checkpointId(),
                            config.targetDescription(),
                            e.getMessage());
                    request.retryLater();
                } else {
                    request.signalFailedWithUnknownReason(failure(committable, e));
                }
            } catch (HotdataTargetException e) {
                blocked = true;
                request.signalFailedWithUnknownReason(e);
            }
        }
    }

    /**
     * Publishes one checkpoint.
     *
     * @return true when everything had been published before (a re-commit after a restore)
     */
    private boolean commit(HotdataCommittable committable)
            throws HotdataException, HotdataTargetException {
        long start = clock.millis();
        ensureTarget();
        String sinkId = committable.sinkId();
        if (config.commitLogEnabled() && lastLogged(sinkId) >= committable.checkpointId()) {
            LOG.info(
                    "Checkpoint {} of sink {} is in the commit log already; skipping it.",
                    committable.checkpointId(),
                    sinkId);
            return true;
        }
        int consumed = 0;
        for (HotdataUploadedFile.Kind kind : HotdataUploadedFile.Kind.values()) {
            for (HotdataUploadedFile file : committable.files()) {
                if (file.kind() == kind && !load(file)) {
                    consumed++;
                }
            }
        }
        if (config.commitLogEnabled()) {
            appendToCommitLog(committable);
        }
        lastCommitMillis = clock.millis() - start;
        LOG.info(
                "Published checkpoint {} into {}: {} uploads, {} rows ({} already published)",
                committable.checkpointId(),
                config.targetDescription(),
                committable.files().size(),
                committable.rowCount(),
                consumed);
        return consumed == committable.files().size();
    }

    /** Loads one upload; false when Hotdata says it was consumed already. */
    private boolean load(HotdataUploadedFile file) throws HotdataException {
        // Asynchronous with a synchronous window, as Hotdata's own clients load: a long load
        // whose HTTP request is cut is not abandoned while still holding the database lock.
        LoadRequest.Builder request =
                LoadRequest.builder()
                        .uploadId(file.uploadId())
                        .async(true)
                        .asyncAfterMs(ASYNC_AFTER_MS);
        if (file.kind() == HotdataUploadedFile.Kind.DELETES) {
            request.mode(LoadMode.DELETE).key(config.keyColumns());
        } else {
            request.mode(dataLoadMode());
            if (!config.keyColumns().isEmpty() && dataLoadMode() != LoadMode.APPEND) {
                request.key(config.keyColumns());
            }
        }
        try {
            client.load(target.databaseId(), config.schema(), config.table(), request.build());
        } catch (HotdataException e) {
            if (isUploadConsumed(e)) {
                return false;
            }
            throw e;
        }
        loads.inc();
        loadedRows.inc(file.rowCount());
        return true;
    }

    private LoadMode dataLoadMode() {
        switch (config.writeMode()) {
            case APPEND:
                return LoadMode.APPEND;
            case UPSERT:
                return LoadMode.UPSERT;
            default:
                throw new UnsupportedOperationException(
                        "Write mode " + config.writeMode() + " is not supported yet");
        }
    }

    private void appendToCommitLog(HotdataCommittable committable) throws HotdataException {
        String sinkId = committable.sinkId();
        try {
            commitLog.append(sinkId, jobId, committable, clock.instant());
        } catch (HotdataException e) {
            // A re-commit after a restore sends a row that differs (job id, time) under the same
            // idempotency key, which the server refuses: fine if the checkpoint is logged.
            if (e.isTransient() || e.statusCode() != 409) {
                throw e;
            }
            lastLoggedCheckpoint.remove(sinkId);
            if (lastLogged(sinkId) < committable.checkpointId()) {
                throw e;
            }
        }
        lastLoggedCheckpoint.merge(sinkId, committable.checkpointId(), Math::max);
    }

    private long lastLogged(String sinkId) throws HotdataException {
        Long known = lastLoggedCheckpoint.get(sinkId);
        if (known == null) {
            known = commitLog.lastCommittedCheckpoint(sinkId);
            lastLoggedCheckpoint.put(sinkId, known);
        }
        return known;
    }

    private void ensureTarget() throws HotdataException, HotdataTargetException {
        if (target == null) {
            target = HotdataTarget.resolve(client, config);
            commitLog = new HotdataCommitLog(client, config, target.databaseId());
        }
    }

    /** Whether a failed load means the upload was published by an earlier load. */
    static boolean isUploadConsumed(HotdataException e) {
        if (e.statusCode() != 409) {
            return false;
        }
        String code = e.errorCode();
        if (HotdataErrorCodes.UPLOAD_CONSUMED.equals(code)) {
            return true;
        }
        if (HotdataErrorCodes.RESOURCE_LOCKED.equals(code)
                || HotdataErrorCodes.UPLOAD_IN_FLIGHT.equals(code)) {
            return false;
        }
        return e.serverMessage() != null && CONSUMED_MESSAGE.matcher(e.serverMessage()).matches();
    }

    private IOException failure(HotdataCommittable committable, HotdataException e) {
        return new IOException(
                "Hotdata refused to publish checkpoint "
                        + committable.checkpointId()
                        + " into "
                        + config.targetDescription()
                        + " ("
                        + e.statusCode()
                        + (e.errorCode() == null ? "" : " " + e.errorCode())
                        + "): "
                        + e.serverMessage()
                        + ". The uploads stay in Flink's checkpoint and are published again on"
                        + " the next attempt.",
                e);
    }

    @Override
    public void close() {
        client.close();
    }
}
