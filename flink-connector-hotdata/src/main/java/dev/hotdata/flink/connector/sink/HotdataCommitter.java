package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClock;
import dev.hotdata.flink.connector.client.HotdataException;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.groups.SinkCommitterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Publishes each checkpoint's uploads, in checkpoint order, from the single committing subtask the
 * aggregator feeds; the publishing itself is the write mode's {@link HotdataPublisher}.
 *
 * <p>Flink commits the restored checkpoint's committables again on every restore. A committable is
 * skipped only when the commit log holds its row: same sink, same run, same checkpoint and exactly
 * the same uploads. Everything else is published again, which is safe because the server claims an
 * upload once ({@link HotdataUploadLoader}). Transient errors are retried later; terminal ones fail
 * the job with the server's code and message and leave the committable in Flink's state. Nothing is
 * ever dropped.
 */
@Internal
public class HotdataCommitter implements Committer<HotdataCommittable> {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataCommitter.class);

    /**
     * How long a commit waits for another sink of this JVM to finish with the same database before
     * it goes ahead and lets the server's lock (409 and back-off) decide.
     */
    static final Duration DATABASE_LOCK_WAIT = Duration.ofSeconds(30);

    private final HotdataSinkConfig config;
    private final HotdataClient client;
    private final String jobId;
    private final long restoredCheckpointId;
    private final Clock clock;
    private final HotdataClock sleeper;
    private final Duration lockWait;
    private final Duration gatherWait;
    private final Counter loads;
    private final Counter loadedRows;
    private final Histogram commitDurations;
    private final Set<String> startedRuns = new HashSet<>();
    private volatile long lastCommitMillis;

    private HotdataTarget target;
    private HotdataCommitLog commitLog;

    /** Whether this committer recorded its table's key and layout in _flink_tables. */
    private boolean declarationRecorded;

    private HotdataPublisher publisher;
    private HotdataUploadLoader loader;

    /** This committer's place among the job's sinks into the same database. */
    private HotdataDatabaseCommits.Member member;

    public HotdataCommitter(HotdataSinkConfig config, CommitterInitContext context) {
        this(
                config,
                HotdataConnectionCheck.connect(
                        config, context.getRestoredCheckpointId().isPresent()),
                context.getJobInfo().getJobId().toString(),
                context.getRestoredCheckpointId().orElse(-1L),
                context.metricGroup(),
                Clock.systemUTC(),
                HotdataClock.system(),
                DATABASE_LOCK_WAIT);
    }

    @VisibleForTesting
    HotdataCommitter(
            HotdataSinkConfig config,
            HotdataClient client,
            String jobId,
            long restoredCheckpointId,
            SinkCommitterMetricGroup metrics,
            Clock clock,
            HotdataClock sleeper,
            Duration lockWait) {
        this(
                config,
                client,
                jobId,
                restoredCheckpointId,
                metrics,
                clock,
                sleeper,
                lockWait,
                HotdataDatabaseCommits.GATHER_WAIT);
    }

    @VisibleForTesting
    HotdataCommitter(
            HotdataSinkConfig config,
            HotdataClient client,
            String jobId,
            long restoredCheckpointId,
            SinkCommitterMetricGroup metrics,
            Clock clock,
            HotdataClock sleeper,
            Duration lockWait,
            Duration gatherWait) {
        this.config = config;
        this.gatherWait = gatherWait;
        this.client = client;
        this.jobId = jobId;
        this.restoredCheckpointId = restoredCheckpointId;
        this.clock = clock;
        this.sleeper = sleeper;
        this.lockWait = lockWait;
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
                commit(committable);
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
     * Publishes one checkpoint together with the other sinks of this job into the same database
     * ({@link HotdataDatabaseCommits}): one commit-log append for all of them.
     */
    private void commit(HotdataCommittable committable)
            throws HotdataException, HotdataTargetException, InterruptedException {
        ensureTarget();
        long start = clock.millis();
        boolean[] held = new boolean[1];
        member.commit(
                committable.checkpointId(),
                new HotdataDatabaseCommits.Step() {
                    @Override
                    public void prepare()
                            throws HotdataException, HotdataTargetException, InterruptedException {
                        held[0] = false;
                        HotdataCommitter.this.prepare(committable, held);
                    }

                    @Override
                    public HotdataCommitLog.Row publish()
                            throws HotdataException, HotdataTargetException, InterruptedException {
                        return held[0] ? null : HotdataCommitter.this.publish(committable);
                    }

                    @Override
                    public void finish() {
                        publisher.finish(committable);
                        loader.forget(committable);
                    }

                    @Override
                    public String table() {
                        return (config.schema() + "." + config.table()).toLowerCase(Locale.ROOT);
                    }

                    @Override
                    public long lockedAnswers() {
                        return client.resourceLockedAnswers();
                    }
                },
                lockWait);
        if (held[0]) {
            return;
        }
        // from the commit call to the end: the wait for the batch and the other sinks' loads count
        lastCommitMillis = clock.millis() - start;
        commitDurations.update(lastCommitMillis);
        LOG.info(
                "Published checkpoint {} into {}: {} uploads, {} rows",
                committable.checkpointId(),
                config.targetDescription(),
                committable.files().size(),
                committable.rowCount());
    }

    /**
     * The part of this sink's step that runs before any member's loads, one member after the other:
     * records the table's declaration (a load into the database's shared {@code _flink_tables}),
     * checks whether the log already proves the committable (then sets {@code held[0]}), and starts
     * the run (drops this sink's stale stages).
     */
    private void prepare(HotdataCommittable c, boolean[] held)
            throws HotdataException, HotdataTargetException {
        if (!declarationRecorded) {
            target.recordDeclaration(client, config);
            declarationRecorded = true;
        }
        if (commitLog != null && c.checkpointId() <= restoredCheckpointId && commitLog.holds(c)) {
            LOG.info(
                    "Checkpoint {} of sink {} (run {}) is in the commit log with the same uploads;"
                            + " not publishing it again.",
                    c.checkpointId(),
                    c.sinkId(),
                    c.runId());
            held[0] = true;
            return;
        }
        if (startedRuns.add(c.sinkId() + "/" + c.runId())) {
            try {
                publisher.startRun(c, restoredCheckpointId);
            } catch (HotdataException | HotdataTargetException | RuntimeException e) {
                startedRuns.remove(c.sinkId() + "/" + c.runId());
                throw e;
            }
        }
    }

    /**
     * This sink's loads: publishes the committable into its table (and its own stage) and returns
     * its log row (null when there is no log). May run at the same time as other members' loads
     * into other tables ({@link HotdataDatabaseCommits}).
     */
    private HotdataCommitLog.Row publish(HotdataCommittable c)
            throws HotdataException, HotdataTargetException, InterruptedException {
        publisher.publish(c);
        return commitLog == null ? null : commitLog.row(c, clock.instant());
    }

    private void ensureTarget() throws HotdataException, HotdataTargetException {
        if (target == null) {
            HotdataTarget resolved = HotdataTarget.resolve(client, config);
            commitLog =
                    config.commitLogEnabled()
                            ? new HotdataCommitLog(client, config, resolved.databaseId(), jobId)
                            : null;
            loader =
                    new HotdataUploadLoader(
                            client,
                            config,
                            resolved.databaseId(),
                            commitLog,
                            sleeper,
                            clock,
                            loads,
                            loadedRows);
            publisher =
                    HotdataPublisher.of(
                            new HotdataPublishing(
                                    client,
                                    config,
                                    resolved,
                                    commitLog,
                                    loader,
                                    loads,
                                    loadedRows));
            target = resolved;
            member =
                    HotdataDatabaseCommits.join(
                            client.config().endpoint(),
                            client.config().workspaceId(),
                            resolved.databaseId(),
                            jobId,
                            gatherWait);
        }
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
        if (member != null) {
            member.leave();
        }
        client.close();
    }
}
