package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The job of the failover tests: ids 0..rows-1 at a fixed rate, through an optional {@link
 * FailingMapper}, into the test sink, at parallelism 2 with restarts; and counts of the requests a
 * test caused.
 */
final class FailoverJobs {

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
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
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
            ids = ids.map(mapperOrNull);
        }
        ids.sinkTo(sink.apply(hotdata.sink(database, table)).build());
        return env.executeAsync("failover " + database);
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
