package dev.hotdata.flink.e2e;

import dev.hotdata.local.api.UploadReuse;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three sinks of one job into three tables of one database (what a statement set of three INSERTs
 * makes), through a task failure after the writers' prepareCommit: each table ends with exactly its
 * rows, and the commit log is appended about once per checkpoint for all three tables, not once per
 * table.
 */
class HotdataSinkGroupFailoverITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    private static final long ROWS = 6_000;
    private static final List<String> TABLES = Arrays.asList("t_a", "t_b", "t_c");
    private static final String LOG_LOADS = ".*/tables/_flink_commits/loads";

    @BeforeEach
    void setUp() {
        FailingMapper.reset(E2E.server());
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void threeTablesOfOneDatabaseThroughATaskFailure(UploadReuse reuse) throws Exception {
        E2E.server().readings().uploadReuse(reuse);
        String db = "group_fail_" + reuse.name().toLowerCase(Locale.ROOT);
        int logStart = E2E.server().requestLog().entries().size();

        StreamExecutionEnvironment env =
                FailoverJobs.environment(FailoverJobs.DEFAULT_RESTART_ATTEMPTS);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DataStream<Long> ids =
                env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index,
                                ROWS,
                                RateLimiterStrategy.perSecond(2_000),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids");
        DataStream<Long> passed =
                FailoverJobs.withFailingMapper(
                        ids, new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, ROWS / 6));
        for (String table : TABLES) {
            // writers upload their own files, so the uploads finalized when the failure fires
            // prove its window (the merged small-file path's window: the soak, SoakSink)
            passed.sinkTo(E2E.hotdata().sink(db, table).setSmallFilesMaxBytes(0).build())
                    .uid("sink-" + table);
        }
        FailoverJobs.requireChainedWithWriter(env);
        env.execute("group failover " + db);

        for (String table : TABLES) {
            E2E.hotdata().assertExactly(db, table, ROWS);
        }
        FailoverJobs.assertFailedBetweenFinalizeAndLoad(E2E.hotdata(), db);

        long checkpoints =
                E2E.hotdata()
                        .aggregate(
                                db,
                                "SELECT count(DISTINCT checkpoint_id) FROM public._flink_commits"
                                        + " WHERE mode <> 'failed'")[0];
        long tableCheckpoints =
                E2E.hotdata()
                        .aggregate(
                                db,
                                "SELECT count(DISTINCT table_name || '/' || CAST(checkpoint_id AS"
                                        + " VARCHAR)) FROM public._flink_commits WHERE mode <>"
                                        + " 'failed'")[0];
        long appends = FailoverJobs.count(E2E.server(), logStart, "POST", LOG_LOADS, 200);
        System.out.printf(
                "%s: %d checkpoints logged (%d table checkpoints), %d log appends%n",
                reuse, checkpoints, tableCheckpoints, appends);
        assertThat(checkpoints).as("checkpoints logged").isGreaterThan(1);
        // The first checkpoint of each attempt (committers resolving their target one by one)
        // and a member notified late may log apart; every other checkpoint is one append for
        // all three tables, where a sink each would take one append per table checkpoint.
        assertThat(appends)
                .as("log appends for %s checkpoints of 3 tables", checkpoints)
                .isLessThanOrEqualTo(checkpoints + checkpoints / 4 + 4)
                .isLessThan(tableCheckpoints);
    }
}
