package dev.hotdata.flink.e2e;

import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure matrix: each case injects one failure into a running job and asserts the table ends
 * up holding exactly the input, no duplicate and no loss.
 */
class HotdataSinkFailoverITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final long ROWS = 4_000;
    private static final String TABLE = "events";
    private static final String DATA_LOADS = ".*/tables/" + TABLE + "/loads";
    private static final String LOG_LOADS = ".*/tables/_flink_commits/loads";

    private HotdataTestSupport hotdata;
    private HotdataLocalServer server;
    private int logStart;

    @BeforeEach
    void setUp() {
        server = HOTDATA.server();
        hotdata = new HotdataTestSupport(server);
        FailingMapper.reset();
        logStart = server.requestLog().entries().size();
    }

    @AfterEach
    void tearDown() {
        server.faults().clear();
        hotdata.close();
    }

    @Test
    void taskFailureWhileWriting() throws Exception {
        runJob("fail_writing", new FailingMapper(FailingMapper.Point.WHILE_WRITING, 500));
        assertThat(FailingMapper.FAILED).isTrue();
        hotdata.assertExactly("fail_writing", TABLE, ROWS);
    }

    @Test
    void taskFailureAfterPrepareCommitBeforeCheckpointCompletes() throws Exception {
        runJob("fail_prepared", new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, 500));
        assertThat(FailingMapper.FAILED).isTrue();
        hotdata.assertExactly("fail_prepared", TABLE, ROWS);
        // the failed checkpoint's uploads were finalized but never published
        assertThat(count("POST", ".*/v1/uploads/[^/]+/finalize", 200))
                .isGreaterThan(count("POST", DATA_LOADS, 200) + count("POST", DATA_LOADS, 202));
    }

    @Test
    void failureAfterCheckpointCompletesBeforeCommit() throws Exception {
        server.faults().failNext(1, "POST", DATA_LOADS, 400, null, "INJECTED");
        runJob("fail_commit", null);
        assertThat(count("POST", DATA_LOADS, 400)).isEqualTo(1);
        hotdata.assertExactly("fail_commit", TABLE, ROWS);
    }

    @Test
    void loadAppliedButResponseLost() throws Exception {
        server.faults().dropAfterApply(2, "POST", DATA_LOADS);
        runJob("lost_response", null);
        // the retried load found its upload consumed: published once
        assertThat(count("POST", DATA_LOADS, 409)).isGreaterThanOrEqualTo(1);
        hotdata.assertExactly("lost_response", TABLE, ROWS);
    }

    @Test
    void failureBetweenDataLoadsAndCommitLog() throws Exception {
        server.faults().failNext(1, "POST", LOG_LOADS, 400, null, "INJECTED");
        runJob("fail_log", null);
        assertThat(count("POST", LOG_LOADS, 400)).isEqualTo(1);
        hotdata.assertExactly("fail_log", TABLE, ROWS);
        long[] log =
                hotdata.aggregate(
                        "fail_log",
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
        server.faults().failNext(1, "POST", LOG_LOADS, 409, null, "IDEMPOTENCY_KEY_CONFLICT");
        runJob("log_key_taken", null);
        assertThat(count("POST", LOG_LOADS, 409)).isEqualTo(1);
        // handled inside the commit: no failover, so no data load was ever re-sent
        assertThat(count("POST", DATA_LOADS, 409)).isZero();
        hotdata.assertExactly("log_key_taken", TABLE, ROWS);
        long[] log =
                hotdata.aggregate(
                        "log_key_taken",
                        "SELECT count(DISTINCT checkpoint_id), sum(row_count) FROM"
                                + " (SELECT DISTINCT checkpoint_id, row_count FROM"
                                + " public._flink_commits)");
        assertThat(log[1]).isEqualTo(ROWS);
    }

    @Test
    void serverRestartedMidJob() throws Exception {
        JobClient job = startJob("restart", null);
        Conditions.waitUntil(
                "a first load", Duration.ofSeconds(60), () -> count("POST", DATA_LOADS, 200) > 0);
        server.restart();
        job.getJobExecutionResult().get();
        hotdata.assertExactly("restart", TABLE, ROWS);
    }

    @Test
    void throttlingBursts() throws Exception {
        server.faults().failNext(3, "POST", DATA_LOADS, 429, 1, "OVERLOADED");
        server.faults().failNext(3, "PUT", ".*", 503, null, "SERVICE_UNAVAILABLE");
        runJob("throttled", null);
        assertThat(count("POST", DATA_LOADS, 429)).isEqualTo(3);
        assertThat(count("PUT", ".*", 503)).isEqualTo(3);
        hotdata.assertExactly("throttled", TABLE, ROWS);
    }

    @Test
    void lockContentionHeldForSeconds() throws Exception {
        String databaseId =
                hotdata.client()
                        .createDatabase(
                                dev.hotdata.flink.connector.client.model.CreateDatabaseRequest
                                        .builder()
                                        .name("locked")
                                        .build())
                        .id();
        server.faults().holdLock(databaseId, Duration.ofSeconds(3));
        runJob("locked", null);
        assertThat(count("POST", DATA_LOADS, 409)).isGreaterThanOrEqualTo(1);
        hotdata.assertExactly("locked", TABLE, ROWS);
    }

    private void runJob(String database, FailingMapper mapper) throws Exception {
        startJob(database, mapper).getJobExecutionResult().get();
    }

    private JobClient startJob(String database, FailingMapper mapper) throws Exception {
        return FailoverJobs.start(
                hotdata,
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
        return FailoverJobs.count(server, logStart, method, pathRegex, status);
    }
}
