package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.sink.HotdataSink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key set only where the job runs: a standalone cluster (JobManager and TaskManager as separate
 * JVMs) whose processes have {@code HOTDATA_API_URL}, {@code HOTDATA_API_KEY} and {@code
 * HOTDATA_WORKSPACE} in their environment, as a Kubernetes pod or YARN container would, and a job
 * submitted from this JVM with a sink that names no endpoint, key or workspace. The key is a fresh
 * random string that only hotdata-local and the cluster's processes are given; the job writes its
 * rows, and the sink it submitted carries no key. On a cluster without the variable the job fails
 * with a message naming it.
 */
class HotdataClusterCredentialsITCase {

    private static final String TABLE = "events";
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(150);

    @TempDir static Path workDir;

    private static String apiKey;
    private static HotdataLocalProcess hotdata;
    private static HotdataClient client;
    private static List<String> jobJars;

    @BeforeAll
    static void startHotdata() throws Exception {
        try {
            apiKey = "hd_cluster_env_" + UUID.randomUUID().toString().replace("-", "");
            hotdata = new HotdataLocalProcess(workDir, apiKey).start();
            client =
                    ReliabilityChecks.client(
                            hotdata.endpoint(), apiKey, HotdataLocalProcess.WORKSPACE);
            jobJars = TestClasspath.current().jobJars(workDir);
        } catch (Exception | Error e) {
            stopHotdata();
            throw e;
        }
    }

    @AfterAll
    static void stopHotdata() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (hotdata != null) {
                hotdata.close();
            }
        } finally {
            ChildProcesses.killAll();
        }
    }

    /** What the cluster's processes get: the connection, the key included, or (null) not. */
    private static Map<String, String> clusterEnvironment(String key) {
        Map<String, String> env = new HashMap<>();
        env.put(HotdataClientConfig.ENV_API_URL, hotdata.endpoint());
        env.put(HotdataClientConfig.ENV_API_KEY, key);
        env.put(HotdataClientConfig.ENV_WORKSPACE, HotdataLocalProcess.WORKSPACE);
        return env;
    }

    /** A sink that names no endpoint, key or workspace: the TaskManagers' environment does. */
    private static HotdataSink<Long> sinkWithoutConnection(String db) {
        return HotdataSink.<Long>builder()
                .setDatabase(db)
                .setTable(TABLE)
                .setRowConverter(TestRows.ROW_TYPE, TestRows.converter())
                .setMaxRetries(3)
                .setRetryBackoff(Duration.ofMillis(200))
                .build();
    }

    @Test
    void aKeyOnlyInTheClustersEnvironmentIsEnoughAndTheJobCarriesNone() throws Exception {
        assertThat(System.getenv(HotdataClientConfig.ENV_API_KEY))
                .as("the submitting JVM's key")
                .isNotEqualTo(apiKey);
        String db = "cluster_env";
        long rows = 3_000;
        HotdataSink<Long> sink = sinkWithoutConnection(db);
        byte[] shipped = InstantiationUtil.serializeObject(sink);
        assertThat(indexOf(shipped, apiKey)).as("the key in the submitted sink").isNegative();

        try (StandaloneFlinkCluster cluster =
                new StandaloneFlinkCluster(
                                workDir.resolve("with-key"), 2, clusterEnvironment(apiKey))
                        .start(1)) {
            JobClient job = submit(cluster, sink, rows);
            try {
                job.getJobExecutionResult().get(JOB_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(
                        "The job did not finish.\n" + cluster.diagnostics(), e);
            }
        }
        ReliabilityChecks.assertTestRows(
                client, ReliabilityChecks.databaseId(client, db), TABLE, 0, rows);
    }

    @Test
    void aClusterWithoutTheKeyFailsTheJobNamingTheVariable() throws Exception {
        String db = "cluster_no_key";
        try (StandaloneFlinkCluster cluster =
                new StandaloneFlinkCluster(workDir.resolve("no-key"), 2, clusterEnvironment(null))
                        .start(1)) {
            JobClient job = submit(cluster, sinkWithoutConnection(db), 100);
            assertThatThrownBy(
                            () ->
                                    job.getJobExecutionResult()
                                            .get(JOB_DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .satisfies(
                            e ->
                                    assertThat(ExceptionUtils.stringifyException(e))
                                            .contains("'api-key'")
                                            .contains(HotdataClientConfig.ENV_API_KEY)
                                            .contains("TaskManager")
                                            .contains("SuppressRestartsException")
                                            .doesNotContain(apiKey));
            // a configuration error on a fresh start: failed at once, not after 30 restarts
            assertThat(
                            cluster.getOrNull("/jobs/" + job.getJobID() + "/exceptions")
                                    .path("exceptionHistory")
                                    .path("entries")
                                    .size())
                    .as("failures in the job's exception history")
                    .isEqualTo(1);
        }
        assertThat(ReliabilityChecks.databaseIds(client, db)).as("databases written").isEmpty();
    }

    private static JobClient submit(
            StandaloneFlinkCluster cluster, HotdataSink<Long> sink, long rows) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        "127.0.0.1",
                        cluster.restPort(),
                        new Configuration(),
                        jobJars.toArray(new String[0]));
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(
                        new DataGeneratorSource<>(
                                new HotdataStandaloneClusterITCase.SequenceIds(),
                                rows,
                                RateLimiterStrategy.perSecond(2_000),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids")
                .sinkTo(sink);
        return env.executeAsync("credentials from the cluster environment");
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + n.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + n.length, n, 0, n.length)) {
                return i;
            }
        }
        return -1;
    }
}
