package dev.hotdata.flink.connector.sink.committer;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataErrorCodes;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.HotdataServerQuery;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.sink.HotdataSinkConfig;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.flink.connector.sink.writer.HotdataWriter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.groups.SinkCommitterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.FileUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
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
    private final Histogram commitDurations;

    private final Set<String> stageReady = new HashSet<>();

    private HotdataTarget target;
    private HotdataCommitLog commitLog;
    private boolean targetHasColumns;

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
        // the spread of commit latencies over the last 1000 checkpoints (p50, p99 ...)
        this.commitDurations =
                metrics.histogram(
                        "hotdataCommitDurationMs", new DescriptiveStatisticsHistogram(1000));
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
     * Publishes one checkpoint, holding this JVM's lock of the database so that sinks into one
     * database take turns instead of colliding on Hotdata's write lock.
     *
     * @return true when everything had been published before (a re-commit after a restore)
     */
    private boolean commit(HotdataCommittable committable)
            throws HotdataException, HotdataTargetException, InterruptedException {
        ensureTarget();
        ReentrantLock lock =
                HotdataDatabaseLocks.of(
                        config.clientConfig().endpoint(),
                        config.clientConfig().workspaceId(),
                        target.databaseId());
        lock.lockInterruptibly();
        try {
            return publish(committable);
        } finally {
            lock.unlock();
        }
    }

    private boolean publish(HotdataCommittable committable)
            throws HotdataException, HotdataTargetException, InterruptedException {
        long start = clock.millis();
        String sinkId = committable.sinkId();
        boolean publishStage =
                config.writeMode() == HotdataWriteMode.REPLACE && committable.endOfInput();
        if (config.commitLogEnabled() && lastLogged(sinkId) >= committable.checkpointId()) {
            LOG.info(
                    "Checkpoint {} of sink {} is in the commit log already; skipping it.",
                    committable.checkpointId(),
                    sinkId);
            if (publishStage) {
                dropStage(sinkId);
            }
            return true;
        }
        int consumed;
        boolean changed;
        switch (config.writeMode()) {
            case INSERT_ONLY:
                consumed = stage(committable, true);
                changed = insertNewRows(sinkId) || consumed < committable.files().size();
                break;
            case REPLACE:
                ensureStageHasColumns(sinkId);
                consumed = stage(committable, false);
                changed = consumed < committable.files().size();
                if (publishStage) {
                    publishStage(sinkId);
                    changed = true;
                }
                break;
            default:
                consumed = loadIntoTable(committable);
                changed = consumed < committable.files().size();
        }
        if (config.commitLogEnabled()) {
            appendToCommitLog(committable);
        }
        if (publishStage) {
            dropStage(sinkId);
        }
        lastCommitMillis = clock.millis() - start;
        commitDurations.update(lastCommitMillis);
        LOG.info(
                "Published checkpoint {} into {}: {} uploads, {} rows ({} already published)",
                committable.checkpointId(),
                config.targetDescription(),
                committable.files().size(),
                committable.rowCount(),
                consumed);
        return !changed;
    }

    /**
     * {@code append} and {@code upsert}: each upload straight into the table, in the order the
     * writers produced them (an upsert file before the delete file of the same batch, batches in
     * order).
     *
     * @return how many uploads had been published before
     */
    private int loadIntoTable(HotdataCommittable committable) throws HotdataException {
        int consumed = 0;
        for (HotdataUploadedFile file : committable.files()) {
            LoadMode mode;
            if (file.kind() == HotdataUploadedFile.Kind.DELETES) {
                mode = LoadMode.DELETE;
            } else if (config.writeMode() == HotdataWriteMode.UPSERT) {
                mode = LoadMode.UPSERT;
            } else {
                mode = LoadMode.APPEND;
            }
            if (!load(config.table(), file, mode)) {
                consumed++;
            }
        }
        return consumed;
    }

    /**
     * Loads the checkpoint's uploads into the sink's stage table. For {@code insert-only} the stage
     * holds one checkpoint (its first upload replaces what was there); for {@code replace} it
     * accumulates the whole run.
     *
     * @return how many uploads had been published before
     */
    private int stage(HotdataCommittable committable, boolean perCheckpoint)
            throws HotdataException {
        String stage = HotdataTarget.stageTableName(config.table(), committable.sinkId());
        int consumed = 0;
        boolean first = true;
        for (HotdataUploadedFile file : committable.files()) {
            LoadMode mode = perCheckpoint && first ? LoadMode.REPLACE : LoadMode.APPEND;
            first = false;
            if (!load(stage, file, mode)) {
                consumed++;
            }
        }
        return consumed;
    }

    /**
     * {@code insert-only}: appends the staged rows whose key is not in the table yet, chosen by a
     * query on the server and loaded from its result, so the table never travels to the client. Run
     * again after a failure it finds the rows already there and appends nothing.
     *
     * @return whether rows were appended
     */
    private boolean insertNewRows(String sinkId) throws HotdataException, InterruptedException {
        String stage = qualified(HotdataTarget.stageTableName(config.table(), sinkId));
        String sql;
        if (!targetHasColumns) {
            targetHasColumns = target.hasColumns(client, config.schema(), config.table());
        }
        if (targetHasColumns) {
            StringBuilder match = new StringBuilder();
            for (String column : config.keyColumns()) {
                if (match.length() > 0) {
                    match.append(" AND ");
                }
                match.append("t.")
                        .append(quoteIdentifier(column))
                        .append(" = s.")
                        .append(quoteIdentifier(column));
            }
            sql =
                    "SELECT s.* FROM "
                            + stage
                            + " AS s WHERE NOT EXISTS (SELECT 1 FROM "
                            + qualified(config.table())
                            + " AS t WHERE "
                            + match
                            + ")";
        } else {
            sql = "SELECT * FROM " + stage; // the table has never been loaded: all rows are new
        }
        HotdataServerQuery.Result result = serverQuery().run(sql);
        if (result.rowCount == 0) {
            return false;
        }
        loadResult(result, LoadMode.APPEND);
        targetHasColumns = true;
        return true;
    }

    /** {@code replace}: the table's contents become the stage's, in one atomic load. */
    private void publishStage(String sinkId) throws HotdataException, InterruptedException {
        String stage = qualified(HotdataTarget.stageTableName(config.table(), sinkId));
        HotdataServerQuery.Result result = serverQuery().run("SELECT * FROM " + stage);
        loadResult(result, LoadMode.REPLACE);
        LOG.info(
                "Replaced the contents of {} with {} staged rows",
                config.targetDescription(),
                result.rowCount);
    }

    private void loadResult(HotdataServerQuery.Result result, LoadMode mode)
            throws HotdataException {
        // Result loads run synchronously. The client does not retry an append of a result after
        // an ambiguous failure; the committer runs the query again instead, which then finds
        // the rows already in the table.
        client.load(
                target.databaseId(),
                config.schema(),
                config.table(),
                LoadRequest.builder().mode(mode).resultId(result.resultId).build());
        loads.inc();
        if (result.rowCount > 0) {
            loadedRows.inc(result.rowCount);
        }
    }

    /**
     * Gives a new stage table its columns with a zero-row upload, so that publishing a run that
     * produced no rows still reads it (and empties the table, as the run's output says).
     */
    private void ensureStageHasColumns(String sinkId)
            throws HotdataException, HotdataTargetException {
        if (stageReady.contains(sinkId)) {
            return;
        }
        String stage = HotdataTarget.stageTableName(config.table(), sinkId);
        target.declarePlainTable(client, config, stage);
        if (!target.hasColumns(client, config.schema(), stage)) {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("hotdata-stage-");
                Path file = dir.resolve("empty.parquet");
                HotdataParquetFileWriter writer =
                        new HotdataParquetWriterFactory(config.rowType(), config.parquetOptions())
                                .create(file);
                writer.finish();
                FinalizedUpload upload =
                        client.uploadFile(file, HotdataWriter.PARQUET_CONTENT_TYPE);
                load(
                        stage,
                        new HotdataUploadedFile(
                                upload.uploadId(), HotdataUploadedFile.Kind.ROWS, 0, 0),
                        LoadMode.APPEND);
            } catch (IOException e) {
                throw new HotdataTargetException(
                        "Could not write an empty Parquet file for the stage table " + stage, e);
            } finally {
                if (dir != null) {
                    FileUtils.deleteDirectoryQuietly(dir.toFile());
                }
            }
        }
        stageReady.add(sinkId);
    }

    /** Removes a published stage table; failing to is only worth a warning. */
    private void dropStage(String sinkId) {
        String stage = HotdataTarget.stageTableName(config.table(), sinkId);
        try {
            client.deleteTable(target.connectionId(), config.schema(), stage);
            LOG.info("Dropped the stage table {}.{}", config.schema(), stage);
        } catch (HotdataException e) {
            if (e.statusCode() != 404 && e.statusCode() != 409) {
                LOG.warn(
                        "Could not drop the stage table {}.{} (it may be deleted by hand): {}",
                        config.schema(),
                        stage,
                        e.getMessage());
            }
        }
        stageReady.remove(sinkId);
    }

    private HotdataServerQuery serverQuery() {
        return new HotdataServerQuery(
                client, target.databaseId(), config.clientConfig().jobTimeout());
    }

    private String qualified(String table) {
        return config.schema() + "." + table;
    }

    private static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Loads one upload; false when Hotdata says it was consumed already. */
    private boolean load(String table, HotdataUploadedFile file, LoadMode mode)
            throws HotdataException {
        // Asynchronous with a synchronous window, as Hotdata's own clients load: a long load
        // whose HTTP request is cut is not abandoned while still holding the database lock.
        LoadRequest.Builder request =
                LoadRequest.builder()
                        .uploadId(file.uploadId())
                        .mode(mode)
                        .async(true)
                        .asyncAfterMs(ASYNC_AFTER_MS);
        if (mode == LoadMode.UPSERT || mode == LoadMode.DELETE) {
            request.key(config.keyColumns());
        }
        try {
            client.load(target.databaseId(), config.schema(), table, request.build());
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
                // The key is taken but the row is not in the log: the earlier attempt never
                // landed (e.g. the server restarted while it ran, keeping the key). The data is
                // published already; record it under a fresh key rather than fail the job. At
                // worst the log gets the row twice, which readers of the log tolerate (max).
                LOG.warn(
                        "Commit log row of checkpoint {} is missing although its idempotency key"
                                + " is taken ({}); appending it under a new key.",
                        committable.checkpointId(),
                        e.getMessage());
                commitLog.append(
                        sinkId,
                        jobId,
                        committable,
                        clock.instant(),
                        "/" + UUID.randomUUID().toString().substring(0, 8));
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
