package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.sink.HotdataSink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once with real processes: a JobManager and TaskManagers as separate JVMs, hotdata-local
 * as a process of its own, and a streaming job submitted through Flink's REST client with the
 * connector shipped as job jars (it is not on the cluster's classpath). While the job streams, a
 * TaskManager is killed with {@code kill -9} (a replacement joins), or hotdata-local is; after
 * recovery the table holds exactly the input.
 */
class HotdataStandaloneClusterITCase {

    private static final String TABLE = "events";
    private static final int PARALLELISM = 3; // more than one TaskManager's 2 slots
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(150);

    @TempDir static Path workDir;

    private static HotdataLocalProcess hotdata;
    private static StandaloneFlinkCluster cluster;
    private static HotdataClient client;
    private static List<String> jobJars;

    @BeforeAll
    static void startProcesses() throws Exception {
        try {
            String apiKey = "hd_cluster_" + UUID.randomUUID().toString().replace("-", "");
            hotdata = new HotdataLocalProcess(workDir, apiKey).start();
            client =
                    ReliabilityChecks.client(
                            hotdata.endpoint(), apiKey, HotdataLocalProcess.WORKSPACE);
            jobJars = TestClasspath.current().jobJars(workDir);
            cluster = new StandaloneFlinkCluster(workDir, 2).start(2);
        } catch (Exception | Error e) {
            stopProcesses();
            throw e;
        }
    }

    @AfterAll
    static void stopProcesses() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (hotdata != null) {
                hotdata.close();
            }
        } finally {
            ChildProcesses.killAll();
        }
    }

    @Test
    void taskManagerKilledWithSigkillMidJob() throws Exception {
        String db = "tm_kill";
        long rows = 30_000;
        JobClient job = submit(db, rows, 1_500);
        awaitSomeCommitted(db, rows);

        cluster.killTaskManager(0);
        // the job needs 3 slots and the survivor has 2: it resumes on the replacement
        cluster.startTaskManager();

        awaitFinished(job);
        ReliabilityChecks.assertTestRows(
                client, ReliabilityChecks.databaseId(client, db), TABLE, 0, rows);
        assertThat(failoverCount(job)).as("failovers of the job").isPositive();
    }

    @Test
    void hotdataLocalKilledAndRestartedMidJob() throws Exception {
        String db = "server_kill";
        long rows = 20_000;
        JobClient job = submit(db, rows, 1_500);
        awaitSomeCommitted(db, rows);

        hotdata.kill();
        hotdata.start(); // same port, same data directory

        awaitFinished(job);
        assertThat(hotdata.starts()).isEqualTo(2);
        ReliabilityChecks.assertTestRows(
                client, ReliabilityChecks.databaseId(client, db), TABLE, 0, rows);
    }

    /**
     * The JobManager is killed with {@code kill -9} while the job streams (after a checkpoint was
     * published, before the input ends). Without HA the job dies with it; the JobManager is started
     * again on the same ports, the TaskManagers register with it, and the job is submitted again
     * from its latest retained checkpoint ({@code execution.state-recovery.path}), as a user would.
     * The table must end holding exactly the input.
     */
    @Test
    void jobManagerKilledWithSigkillAndTheJobResubmittedFromItsLatestCheckpoint() throws Exception {
        String db = "jm_kill";
        long rows = 20_000;
        JobClient job = submit(db, rows, 1_500, null);
        awaitSomeCommitted(db, rows);
        Path jobCheckpoints = cluster.checkpointDir().resolve(job.getJobID().toString());
        Conditions.waitUntil(
                "a retained checkpoint of " + job.getJobID(),
                Duration.ofSeconds(30),
                () -> hasCompletedCheckpoint(jobCheckpoints));

        JsonNode status = cluster.getOrNull("/jobs/" + job.getJobID());
        assertThat(status).as("the job before the kill").isNotNull();
        assertThat(status.path("state").asText()).as("job state at the kill").isEqualTo("RUNNING");
        assertThat(cluster.killJobManager()).as("the JobManager is gone").isTrue();
        long publishedAtKill = committedRows(db);
        assertThat(publishedAtKill).as("rows published when it was killed").isLessThan(rows);
        assertThat(cluster.getOrNull("/overview")).as("REST API of the killed JobManager").isNull();

        cluster.startJobManager();
        cluster.awaitFreeSlots(2, Duration.ofSeconds(90));
        Path latest = ReliabilityChecks.latestCheckpoint(jobCheckpoints);
        JobClient resumed = submit(db, rows, 3_000, latest.toUri().toString());
        awaitFinished(resumed);

        ReliabilityChecks.assertTestRows(
                client, ReliabilityChecks.databaseId(client, db), TABLE, 0, rows);
        JsonNode restored =
                cluster.getOrNull("/jobs/" + resumed.getJobID() + "/checkpoints")
                        .path("latest")
                        .path("restored");
        assertThat(restored.path("external_path").asText())
                .as("the checkpoint the resubmitted job restored")
                .contains(latest.getFileName().toString());
    }

    private static boolean hasCompletedCheckpoint(Path jobCheckpoints) {
        try {
            ReliabilityChecks.latestCheckpoint(jobCheckpoints);
            return true;
        } catch (java.io.IOException | AssertionError e) {
            return false;
        }
    }

    private static JobClient submit(String db, long rows, long ratePerSecond) throws Exception {
        return submit(db, rows, ratePerSecond, null);
    }

    /**
     * Submits the job through Flink's REST client, shipping the connector and the job classes;
     * restored from {@code restoreFrom} when not null.
     */
    private static JobClient submit(String db, long rows, long ratePerSecond, String restoreFrom)
            throws Exception {
        Configuration conf = new Configuration();
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        "127.0.0.1", cluster.restPort(), conf, jobJars.toArray(new String[0]));
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(500);
        env.fromSource(
                        new DataGeneratorSource<>(
                                new SequenceIds(),
                                rows,
                                RateLimiterStrategy.perSecond(ratePerSecond),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids")
                .uid("ids")
                .sinkTo(
                        HotdataSink.<Long>builder()
                                .setEndpoint(hotdata.endpoint())
                                .setApiKey(hotdata.apiKey())
                                .setWorkspaceId(HotdataLocalProcess.WORKSPACE)
                                .setDatabase(db)
                                .setTable(TABLE)
                                .setRowConverter(TestRows.ROW_TYPE, TestRows.converter())
                                .setMaxRetries(10)
                                .setRetryBackoff(Duration.ofMillis(200))
                                .setRollingMaxBytes(64 * 1024)
                                .build())
                .uid("hotdata-sink");
        return env.executeAsync("standalone " + db);
    }

    /** Waits until a first checkpoint was published, but not the whole input. */
    private static void awaitSomeCommitted(String db, long rows) throws Exception {
        try {
            Conditions.waitUntil(
                    "a first published checkpoint in " + db,
                    Duration.ofSeconds(90),
                    () -> committedRows(db) > 0);
        } catch (Exception e) {
            throw new IllegalStateException(cluster.diagnostics(), e);
        }
        assertThat(committedRows(db)).as("rows published before the fault").isLessThan(rows);
    }

    private static long committedRows(String db) {
        try {
            List<String> ids = ReliabilityChecks.databaseIds(client, db);
            if (ids.size() != 1) {
                return 0;
            }
            return ReliabilityChecks.aggregate(
                    client, ids.get(0), "SELECT count(*) FROM public." + TABLE)[0];
        } catch (HotdataException e) {
            return 0; // no table yet, or the server is down
        }
    }

    private static void awaitFinished(JobClient job) throws Exception {
        try {
            job.getJobExecutionResult().get(JOB_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("The job did not finish.\n" + cluster.diagnostics(), e);
        }
    }

    /** Failures the job recovered from, as the REST API's exception history lists them. */
    private static int failoverCount(JobClient job) {
        JsonNode exceptions = cluster.getOrNull("/jobs/" + job.getJobID() + "/exceptions");
        assertThat(exceptions).as("the job's exception history").isNotNull();
        return exceptions.path("exceptionHistory").path("entries").size();
    }

    /** The job's ids; a class of its own so that TaskManagers load nothing else of the test. */
    static final class SequenceIds implements GeneratorFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long index) {
            return index;
        }
    }
}
