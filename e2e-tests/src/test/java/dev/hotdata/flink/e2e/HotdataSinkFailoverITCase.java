package dev.hotdata.flink.e2e;

import dev.hotdata.local.api.UploadReuse;

import org.apache.flink.core.execution.JobClient;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure matrix: each case injects one failure into a running job and asserts the table ends
 * up holding exactly the input, no duplicate and no loss. The cases where the committer re-sends an
 * upload run under each of hotdata-local's readings of a re-sent upload ({@link UploadReuse}: the
 * original answer replayed, or 409 {@code CONFLICT}); the case of a load refused after the server
 * claimed its upload also runs with the refused load consuming the upload or not.
 */
class HotdataSinkFailoverITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    private static final long ROWS = 4_000;
    private static final String TABLE = "events";
    private static final String DATA_LOADS = ".*/tables/" + TABLE + "/loads";
    private static final String LOG_LOADS = ".*/tables/_flink_commits/loads";

    @BeforeEach
    void setUp() {
        FailingMapper.reset(E2E.server());
    }

    /** Sets the reading and returns a database name unique to the case and reading. */
    private String under(UploadReuse reuse, String database) {
        E2E.server().readings().uploadReuse(reuse);
        return database + "_" + reuse.name().toLowerCase(Locale.ROOT);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void taskFailureWhileWriting(UploadReuse reuse) throws Exception {
        String db = under(reuse, "fail_writing");
        runJob(db, new FailingMapper(FailingMapper.Point.WHILE_WRITING, 500));
        assertThat(FailingMapper.FAILED).isTrue();
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void taskFailureAfterPrepareCommitBeforeCheckpointCompletes(UploadReuse reuse)
            throws Exception {
        String db = under(reuse, "fail_prepared");
        // no rolling: every upload is finalized by prepareCommit, none while writing, so an upload
        // finalized but never loaded proves the failure came after prepareCommit
        // writers upload their own files (no merging in the aggregator), so the uploads finalized
        // when the failure fires prove its window; the merged path's window: the soak (SoakSink)
        runJob(
                db,
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, 500),
                sink -> sink.setSmallFilesMaxBytes(0));
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
        FailoverJobs.assertFailedBetweenFinalizeAndLoad(E2E.hotdata(), db);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void failureAfterCheckpointCompletesBeforeCommit(UploadReuse reuse) throws Exception {
        String db = under(reuse, "fail_commit");
        E2E.server().faults().failNext(1, "POST", DATA_LOADS, 400, null, "INJECTED");
        runJob(db, null);
        assertThat(count("POST", DATA_LOADS, 400)).isEqualTo(1);
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
    }

    /**
     * The server claims the first data load's upload, then refuses the load (400 {@code
     * INVALID_PARQUET}), applying nothing. Where the refused load releases the upload, the restored
     * job loads it again and ends exact. Where it consumes it, no later load can publish those
     * rows: the job must fail, naming the checkpoint (and under {@code CONFLICT}, where the
     * connector only learns "claimed", the upload), and must not have reported success with the
     * rows missing.
     */
    @ParameterizedTest(name = "{0}, failed load consumes upload: {1}")
    @MethodSource("readings")
    void loadRefusedAfterTheServerClaimedTheUpload(UploadReuse reuse, boolean consumes)
            throws Exception {
        String db = under(reuse, "claimed_" + (consumes ? "consumed" : "released"));
        E2E.server().readings().failedLoadConsumesUpload(consumes);
        dev.hotdata.local.fault.FaultRule fault =
                E2E.server().faults().failAfterClaim(1, 400, "INVALID_PARQUET");
        if (!consumes) {
            runJob(db, null);
            assertThat(fault.hits()).as("loads refused after their claim").isEqualTo(1);
            assertThat(E2E.server().faults().failedAfterClaim()).isEqualTo(1);
            E2E.hotdata().assertExactly(db, TABLE, ROWS);
            return;
        }
        JobClient job =
                FailoverJobs.start(
                        E2E.hotdata(),
                        db,
                        TABLE,
                        ROWS,
                        2_000,
                        200,
                        2,
                        null,
                        sink -> sink.setRollingMaxBytes(8 * 1024).setMaxRetries(3));
        String error =
                ReliabilityChecks.describe(
                        ReliabilityChecks.awaitFailure(job, Duration.ofSeconds(120)));
        assertThat(fault.hits()).as("loads refused after their claim").isEqualTo(1);
        // the refused upload, as the commit log records it
        long[] failedRow =
                E2E.hotdata()
                        .aggregate(
                                db,
                                "SELECT count(*), min(checkpoint_id) FROM public._flink_commits"
                                        + " WHERE mode = 'failed'");
        assertThat(failedRow[0]).as("refused loads recorded in the commit log").isPositive();
        String refusedUpload =
                String.valueOf(
                        E2E.hotdata()
                                .client()
                                .query(
                                        E2E.hotdata().databaseId(db),
                                        "SELECT min(upload_ids) FROM public._flink_commits"
                                                + " WHERE mode = 'failed'")
                                .rows()
                                .get(0)
                                .get(0));
        assertThat(error).contains("checkpoint " + failedRow[1]);
        if (reuse == UploadReuse.CONFLICT) {
            assertThat(error).contains(refusedUpload).contains("was consumed by a load");
        } else {
            assertThat(error).contains("INVALID_PARQUET");
        }
        // nothing published twice, and the refused checkpoint's rows are missing, loudly
        long[] stats = {0, 0};
        try {
            stats =
                    E2E.hotdata()
                            .aggregate(
                                    db, "SELECT count(*), count(DISTINCT id) FROM public." + TABLE);
        } catch (dev.hotdata.flink.connector.client.HotdataException e) {
            // the refused load was the table's first: nothing was ever published into it
            assertThat(e.getMessage()).contains("TABLE_NOT_FOUND");
        }
        assertThat(stats[0]).as("rows published").isEqualTo(stats[1]).isLessThan(ROWS);
    }

    static Stream<Arguments> readings() {
        return Stream.of(
                Arguments.of(UploadReuse.REPLAY, false),
                Arguments.of(UploadReuse.CONFLICT, false),
                Arguments.of(UploadReuse.REPLAY, true),
                Arguments.of(UploadReuse.CONFLICT, true));
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void loadAppliedButResponseLost(UploadReuse reuse) throws Exception {
        String db = under(reuse, "lost_response");
        E2E.server().faults().dropAfterApply(2, "POST", DATA_LOADS);
        runJob(db, null);
        assertThat(E2E.server().requestLog().matching("POST", DATA_LOADS))
                .anyMatch(r -> r.dropped());
        // the retried load found its upload consumed: published once
        if (reuse == UploadReuse.REPLAY) {
            assertThat(E2E.server().requestLog().countReplayed("POST", DATA_LOADS))
                    .isGreaterThanOrEqualTo(1);
        } else {
            assertThat(count("POST", DATA_LOADS, 409)).isGreaterThanOrEqualTo(1);
        }
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void failureBetweenDataLoadsAndCommitLog(UploadReuse reuse) throws Exception {
        String db = under(reuse, "fail_log");
        E2E.server().faults().failNext(1, "POST", LOG_LOADS, 400, null, "INJECTED");
        runJob(db, null);
        assertThat(count("POST", LOG_LOADS, 400)).isEqualTo(1);
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
        long[] log =
                E2E.hotdata()
                        .aggregate(
                                db,
                                "SELECT count(*), count(DISTINCT checkpoint_id), sum(row_count)"
                                        + " FROM public._flink_commits");
        assertThat(log[0]).isEqualTo(log[1]);
        assertThat(log[2]).isEqualTo(ROWS);
    }

    /**
     * A server that kept the commit-log append's idempotency key but lost the row (a restart while
     * the load ran) answers the retry with a key conflict: the row is appended under a fresh key
     * and the job goes on. Regression: the job used to fail on every restart.
     */
    @Test
    void commitLogKeyTakenButRowMissing() throws Exception {
        E2E.server().faults().failNext(1, "POST", LOG_LOADS, 409, null, "IDEMPOTENCY_KEY_CONFLICT");
        runJob("log_key_taken", null);
        assertThat(count("POST", LOG_LOADS, 409)).isEqualTo(1);
        // handled inside the commit: no failover, so no data load was ever re-sent
        assertThat(count("POST", DATA_LOADS, 409)).isZero();
        E2E.hotdata().assertExactly("log_key_taken", TABLE, ROWS);
        long[] log =
                E2E.hotdata()
                        .aggregate(
                                "log_key_taken",
                                "SELECT count(DISTINCT checkpoint_id), sum(row_count) FROM"
                                        + " (SELECT DISTINCT checkpoint_id, row_count FROM"
                                        + " public._flink_commits)");
        assertThat(log[1]).isEqualTo(ROWS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void serverRestartedMidJob(UploadReuse reuse) throws Exception {
        String db = under(reuse, "restart");
        JobClient job = startJob(db, null);
        Conditions.waitUntil(
                "a first load", Duration.ofSeconds(60), () -> count("POST", DATA_LOADS, 200) > 0);
        E2E.server().restart();
        assertThat(E2E.server().readings().uploadReuse()).isEqualTo(reuse);
        job.getJobExecutionResult().get();
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
    }

    @Test
    void throttlingBursts() throws Exception {
        E2E.server().faults().failNext(3, "POST", DATA_LOADS, 429, 1, "OVERLOADED");
        E2E.server().faults().failNext(3, "PUT", ".*", 503, null, "SERVICE_UNAVAILABLE");
        runJob("throttled", null);
        assertThat(count("POST", DATA_LOADS, 429)).isEqualTo(3);
        assertThat(count("PUT", ".*", 503)).isEqualTo(3);
        E2E.hotdata().assertExactly("throttled", TABLE, ROWS);
    }

    @Test
    void lockContentionHeldForSeconds() throws Exception {
        String databaseId =
                E2E.hotdata()
                        .client()
                        .createDatabase(
                                dev.hotdata.flink.connector.client.model.CreateDatabaseRequest
                                        .builder()
                                        .name("locked")
                                        .build())
                        .id();
        E2E.server().faults().holdLock(databaseId, Duration.ofSeconds(3));
        runJob("locked", null);
        assertThat(count("POST", DATA_LOADS, 409)).isGreaterThanOrEqualTo(1);
        E2E.hotdata().assertExactly("locked", TABLE, ROWS);
    }

    private void runJob(String database, FailingMapper mapper) throws Exception {
        startJob(database, mapper).getJobExecutionResult().get();
    }

    private void runJob(
            String database,
            FailingMapper mapper,
            java.util.function.UnaryOperator<
                            dev.hotdata.flink.connector.sink.HotdataSinkBuilder<Long>>
                    sink)
            throws Exception {
        FailoverJobs.start(E2E.hotdata(), database, TABLE, ROWS, 2_000, 200, mapper, sink)
                .getJobExecutionResult()
                .get();
    }

    private JobClient startJob(String database, FailingMapper mapper) throws Exception {
        return FailoverJobs.start(
                E2E.hotdata(),
                database,
                TABLE,
                ROWS,
                2_000,
                200,
                mapper,
                sink -> sink.setRollingMaxBytes(8 * 1024));
    }

    /** Requests since this test started with that method, path pattern and status. */
    private long count(String method, String pathRegex, int status) {
        return FailoverJobs.count(E2E.server(), E2E.logStart(), method, pathRegex, status);
    }
}
