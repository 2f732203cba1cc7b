package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure matrix for the keyed and staged modes: upsert, insert-only and replace must end with
 * exactly the expected rows after task failures and lost responses.
 */
class HotdataSinkModesFailoverITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final long KEYS = 2_000;
    private static final String TABLE = "events";
    private static final String DATA_LOADS = ".*/tables/" + TABLE + "/loads";

    private HotdataTestSupport hotdata;
    private HotdataLocalServer server;

    @BeforeEach
    void setUp() {
        server = HOTDATA.server();
        hotdata = new HotdataTestSupport(server);
        FailingMapper.reset();
    }

    @AfterEach
    void tearDown() {
        server.faults().clear();
        hotdata.close();
    }

    /**
     * Upsert input: ids 0..KEYS-1 inserted, then every id updated, except multiples of 4, which are
     * deleted. The values are a function of the id, so a duplicate or a lost row shows.
     */
    private static RowData upsertEvent(long index) {
        long id = index % KEYS;
        RowData row = TestRows.row(id);
        if (index >= KEYS) {
            row.setRowKind(id % 4 == 0 ? RowKind.DELETE : RowKind.UPDATE_AFTER);
        }
        return row;
    }

    @Test
    void upsertLoadsAppliedButResponsesLost() throws Exception {
        server.faults().dropAfterApply(2, "POST", DATA_LOADS);
        run(
                "upsert_lost",
                2 * KEYS,
                null,
                hotdata.sink("upsert_lost", TABLE)
                        .setRowConverter(
                                TestRows.ROW_TYPE, HotdataSinkModesFailoverITCase::upsertEvent)
                        .setKeyColumns("id"));
        assertThat(server.requestLog().matching("POST", DATA_LOADS)).anyMatch(r -> r.dropped());
        assertUpsertResult("upsert_lost");
    }

    @Test
    void upsertTaskFailureAfterPrepareCommit() throws Exception {
        run(
                "upsert_fail",
                2 * KEYS,
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, KEYS),
                hotdata.sink("upsert_fail", TABLE)
                        .setRowConverter(
                                TestRows.ROW_TYPE, HotdataSinkModesFailoverITCase::upsertEvent)
                        .setKeyColumns("id"));
        assertThat(FailingMapper.FAILED).isTrue();
        assertUpsertResult("upsert_fail");
    }

    private void assertUpsertResult(String database) throws Exception {
        long[] stats =
                hotdata.aggregate(
                        database,
                        "SELECT count(*), count(DISTINCT id), sum(id),"
                                + " sum(CASE WHEN id % 4 = 0 THEN 1 ELSE 0 END),"
                                + " sum(CASE WHEN name = 'name-' || CAST(id AS VARCHAR)"
                                + " THEN 1 ELSE 0 END) FROM public."
                                + TABLE);
        long survivors = KEYS - KEYS / 4;
        long sum = KEYS * (KEYS - 1) / 2 - 4 * ((KEYS / 4) * (KEYS / 4 - 1) / 2);
        assertThat(stats).containsExactly(survivors, survivors, sum, 0, survivors);
    }

    /** Insert-only input: ids 0..KEYS-1, then the first half again (kept, not updated). */
    private HotdataSinkBuilder<Long> insertOnlySink(String database) {
        return hotdata.sink(database, TABLE)
                .setRowConverter(TestRows.ROW_TYPE, index -> TestRows.row(index % KEYS))
                .setKeyColumns("id")
                .setWriteMode(HotdataWriteMode.INSERT_ONLY);
    }

    @Test
    void insertOnlyAppendOfTheNewRowsAppliedButResponseLost() throws Exception {
        server.faults().dropAfterApply(1, "POST", DATA_LOADS);
        run("insert_lost", KEYS + KEYS / 2, null, insertOnlySink("insert_lost"));
        assertThat(server.requestLog().matching("POST", DATA_LOADS)).anyMatch(r -> r.dropped());
        hotdata.assertExactly("insert_lost", TABLE, KEYS);
    }

    @Test
    void insertOnlyTaskFailureAfterPrepareCommit() throws Exception {
        run(
                "insert_fail",
                KEYS + KEYS / 2,
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, KEYS / 2),
                insertOnlySink("insert_fail"));
        assertThat(FailingMapper.FAILED).isTrue();
        hotdata.assertExactly("insert_fail", TABLE, KEYS);
    }

    @Test
    void replaceAfterATaskFailureAndALostPublishHoldsExactlyTheNewRun() throws Exception {
        run(
                "replace_fail",
                KEYS,
                null,
                hotdata.sink("replace_fail", TABLE).setWriteMode(HotdataWriteMode.REPLACE));
        hotdata.assertExactly("replace_fail", TABLE, KEYS);

        server.faults().dropAfterApply(1, "POST", DATA_LOADS);
        run(
                "replace_fail",
                KEYS / 2,
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, KEYS / 8),
                hotdata.sink("replace_fail", TABLE).setWriteMode(HotdataWriteMode.REPLACE));
        assertThat(FailingMapper.FAILED).isTrue();
        assertThat(server.requestLog().matching("POST", DATA_LOADS)).anyMatch(r -> r.dropped());
        hotdata.assertExactly("replace_fail", TABLE, KEYS / 2);
    }

    private void run(
            String database, long rows, FailingMapper mapper, HotdataSinkBuilder<Long> sink)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DataStream<Long> ids =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        index -> index,
                                        rows,
                                        RateLimiterStrategy.perSecond(2_500),
                                        Types.LONG),
                                WatermarkStrategy.noWatermarks(),
                                "ids")
                        // one source subtask: the changes of a key stay in order
                        .setParallelism(1);
        if (mapper != null) {
            ids = ids.map(mapper).setParallelism(1);
        }
        // keyed modes need every change of a key in one writer, in order
        ids.keyBy(index -> index % KEYS).sinkTo(sink.setRollingMaxBytes(8 * 1024).build());
        env.execute("modes failover " + database);
    }
}
