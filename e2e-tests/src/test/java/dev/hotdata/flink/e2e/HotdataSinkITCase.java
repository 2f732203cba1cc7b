package dev.hotdata.flink.e2e;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testframe.source.FromElementsSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink on a MiniCluster against hotdata-local over HTTP: bounded and unbounded jobs. */
class HotdataSinkITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.create();

    @RegisterExtension
    static final HotdataE2eEnvironment E2E =
            HotdataE2eEnvironment.withSlots(4)
                    .withConfiguration(METRICS.addToConfiguration(new Configuration()));

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 4})
    void boundedStreamingJobLoadsExactlyTheInput(int parallelism) throws Exception {
        String database = "bounded_p" + parallelism;
        long n = 5_000;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(200);
        env.fromSequence(0, n - 1)
                .sinkTo(
                        E2E.hotdata()
                                .sink(database, "events")
                                .setRollingMaxBytes(16 * 1024)
                                .build());
        env.execute();

        E2E.hotdata().assertExactly(database, "events", n);
        // one commit-log row per committed checkpoint, together covering every row
        long[] log =
                E2E.hotdata()
                        .aggregate(
                                database,
                                "SELECT count(*), count(DISTINCT checkpoint_id), sum(row_count)"
                                        + " FROM public._flink_commits WHERE table_name = 'events'");
        assertThat(log[0]).isEqualTo(log[1]).isPositive();
        assertThat(log[2]).isEqualTo(n);
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 4})
    void batchJobLoadsExactlyTheInput(int parallelism) throws Exception {
        String database = "batch_p" + parallelism;
        long n = 3_000;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(parallelism);
        env.fromSequence(0, n - 1).sinkTo(E2E.hotdata().sink(database, "events").build());
        env.execute();

        E2E.hotdata().assertExactly(database, "events", n);
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 4})
    void unboundedCheckpointedJobCommitsWhileRunning(int parallelism) throws Exception {
        String database = "unbounded_p" + parallelism;
        int n = 2_000;
        List<Long> ids = LongStream.range(0, n).boxed().collect(Collectors.toList());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(100);
        env.fromSource(
                        new FromElementsSource<>(Boundedness.CONTINUOUS_UNBOUNDED, ids, n),
                        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(),
                        "unbounded ids",
                        Types.LONG)
                .setParallelism(1) // each source subtask would emit every element
                .sinkTo(E2E.hotdata().sink(database, "events").build());
        JobClient job = env.executeAsync();
        try {
            // the job never ends on its own: the rows must become visible through checkpoints
            Conditions.waitUntil(
                    n + " rows visible",
                    Duration.ofSeconds(60),
                    () -> countOrMinusOne(database, "events") >= n);
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
            E2E.hotdata().assertExactly(database, "events", n);

            // with no new rows, further checkpoints upload and load nothing
            long uploads = E2E.server().requestLog().count("POST", "/v1/uploads");
            long loads = E2E.server().requestLog().count("POST", ".*/loads");
            long checkpoints = completedCheckpoints(job);
            Conditions.waitUntil(
                    "three more checkpoints",
                    Duration.ofSeconds(60),
                    () -> completedCheckpoints(job) >= checkpoints + 3);
            assertThat(E2E.server().requestLog().count("POST", "/v1/uploads")).isEqualTo(uploads);
            assertThat(E2E.server().requestLog().count("POST", ".*/loads")).isEqualTo(loads);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void unboundedJobWithoutCheckpointingIsRejectedAtStart() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<Long> ids = LongStream.range(0, 10).boxed().collect(Collectors.toList());
        env.fromSource(
                        new FromElementsSource<>(Boundedness.CONTINUOUS_UNBOUNDED, ids, 10),
                        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(),
                        "unbounded ids",
                        Types.LONG)
                .sinkTo(E2E.hotdata().sink("never", "events").build());
        assertThatThrownBy(env::executeAsync)
                .hasStackTraceContaining("checkpointing disabled")
                .hasStackTraceContaining("never.public.events");
    }

    private static long completedCheckpoints(JobClient job) {
        return METRICS.findMetric(job.getJobID(), "numberOfCompletedCheckpoints")
                .map(m -> ((Number) ((Gauge<?>) m).getValue()).longValue())
                .orElse(0L);
    }

    private long countOrMinusOne(String database, String table) {
        try {
            return E2E.hotdata().aggregate(database, "SELECT count(*) FROM public." + table)[0];
        } catch (Exception | AssertionError e) {
            return -1; // database or table not there yet
        }
    }
}
