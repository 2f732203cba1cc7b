package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job of the failover tests: ids 0..rows-1 at a fixed rate, through an optional {@link
 * FailingMapper} chained with the sink writer, into the test sink, at parallelism 2 with restarts;
 * and counts of the requests a test caused.
 */
final class FailoverJobs {

    static final int DEFAULT_RESTART_ATTEMPTS = 5;

    private FailoverJobs() {}

    static JobClient start(
            HotdataTestSupport hotdata,
            String database,
            String table,
            long rows,
            int rowsPerSecond,
            long checkpointMillis,
            FailingMapper mapperOrNull,
            UnaryOperator<HotdataSinkBuilder<Long>> sink)
            throws Exception {
        return start(
                hotdata,
                database,
                table,
                rows,
                rowsPerSecond,
                checkpointMillis,
                DEFAULT_RESTART_ATTEMPTS,
                mapperOrNull,
                sink);
    }

    static JobClient start(
            HotdataTestSupport hotdata,
            String database,
            String table,
            long rows,
            int rowsPerSecond,
            long checkpointMillis,
            int restartAttempts,
            FailingMapper mapperOrNull,
            UnaryOperator<HotdataSinkBuilder<Long>> sink)
            throws Exception {
        StreamExecutionEnvironment env = environment(restartAttempts);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointMillis);
        DataStream<Long> ids =
                env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index,
                                rows,
                                RateLimiterStrategy.perSecond(rowsPerSecond),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids");
        if (mapperOrNull != null) {
            ids = withFailingMapper(ids, mapperOrNull);
        }
        ids.sinkTo(sink.apply(hotdata.sink(database, table)).build());
        if (mapperOrNull != null) {
            requireChainedWithWriter(env);
        }
        return env.executeAsync("failover " + database);
    }

    /** An environment with fixed-delay restarts (200 ms apart). */
    static StreamExecutionEnvironment environment(int restartAttempts) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /**
     * Puts the mapper on the stream with the stream's parallelism and a forward edge, so that it
     * can chain with the writer the caller attaches next ({@link #requireChainedWithWriter}).
     */
    static DataStream<Long> withFailingMapper(DataStream<Long> ids, FailingMapper mapper) {
        return ids.map(mapper)
                .setParallelism(ids.getParallelism())
                .name(FailingMapper.NAME)
                .uid("failing-mapper");
    }

    /**
     * Refuses a job whose failing mapper is not in the sink writer's chain: only there does its
     * snapshot run after the writer's {@code prepareCommit} of the same checkpoint.
     */
    static void requireChainedWithWriter(StreamExecutionEnvironment env) {
        List<JobVertex> vertices =
                Arrays.asList(env.getStreamGraph(false).getJobGraph().getVerticesAsArray());
        List<String> names = vertices.stream().map(JobVertex::getName).collect(Collectors.toList());
        assertThat(names)
                .as("job vertices: the failing mapper must be chained with the sink writer")
                .anyMatch(n -> n.contains(FailingMapper.NAME) && n.contains("Writer"));
    }

    /**
     * Asserts the {@link FailingMapper.Point#AFTER_PREPARE_COMMIT} failure fired in its window (for
     * sinks whose writers upload their own files: {@code setSmallFilesMaxBytes(0)}; merged small
     * files are uploaded by the aggregator, possibly after the failure): uploads were finalized
     * when it fired that no load ever published (the commit log of {@code database} records every
     * published upload), i.e. finalized uploads of the failed checkpoint outnumber the loads of
     * them.
     */
    static void assertFailedBetweenFinalizeAndLoad(HotdataTestSupport hotdata, String database)
            throws HotdataException {
        assertThat(FailingMapper.FAILED).as("the injected failure fired").isTrue();
        assertThat(FailingMapper.FAILED_CHECKPOINT.get()).isPositive();
        Set<String> finalized = new HashSet<>(FailingMapper.FINALIZED_AT_FAILURE);
        Set<String> published = publishedUploads(hotdata, database);
        Set<String> neverLoaded = new HashSet<>(finalized);
        neverLoaded.removeAll(published);
        assertThat(neverLoaded)
                .as(
                        "uploads finalized when checkpoint %s failed (%s) that were never"
                                + " published (published: %s uploads): the failure must come"
                                + " after the writer's prepareCommit, before the commit",
                        FailingMapper.FAILED_CHECKPOINT.get(), finalized.size(), published.size())
                .isNotEmpty();
    }

    /** Upload ids the commit log records as published (not as refused). */
    static Set<String> publishedUploads(HotdataTestSupport hotdata, String database)
            throws HotdataException {
        QueryResponse rows =
                hotdata.client()
                        .query(
                                hotdata.databaseId(database),
                                "SELECT upload_ids FROM public._flink_commits"
                                        + " WHERE mode <> 'failed'");
        Set<String> ids = new HashSet<>();
        for (List<Object> row : rows.rows()) {
            if (row.get(0) != null) {
                ids.addAll(Arrays.asList(String.valueOf(row.get(0)).trim().split("\\s+")));
            }
        }
        return ids;
    }

    /** Requests after the first {@code logStart} ones with that method, path pattern and status. */
    static long count(
            HotdataLocalServer server, int logStart, String method, String pathRegex, int status) {
        return server.requestLog().entries().stream()
                .skip(logStart)
                .filter(r -> r.method().equals(method))
                .filter(r -> r.path().matches(pathRegex))
                .filter(r -> r.status() == status)
                .count();
    }
}
