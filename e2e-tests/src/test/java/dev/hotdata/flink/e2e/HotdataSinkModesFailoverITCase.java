package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.local.api.UploadReuse;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure matrix for the keyed and staged modes: upsert, insert-only and replace must end with
 * exactly the expected rows after task failures and lost responses, under each of hotdata-local's
 * readings of a re-sent upload ({@link UploadReuse}).
 */
class HotdataSinkModesFailoverITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    private static final long KEYS = 2_000;
    private static final String TABLE = "events";
    private static final String DATA_LOADS = ".*/tables/" + TABLE + "/loads";

    @BeforeEach
    void setUp() {
        FailingMapper.reset(E2E.server());
    }

    /** Sets the reading and returns a database name unique to the case and reading. */
    private String under(UploadReuse reuse, String database) {
        E2E.server().readings().uploadReuse(reuse);
        return database + "_" + reuse.name().toLowerCase(Locale.ROOT);
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

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void upsertLoadsAppliedButResponsesLost(UploadReuse reuse) throws Exception {
        String db = under(reuse, "upsert_lost");
        E2E.server().faults().dropAfterApply(2, "POST", DATA_LOADS);
        run(
                db,
                2 * KEYS,
                null,
                E2E.hotdata()
                        .sink(db, TABLE)
                        .setRowConverter(
                                TestRows.ROW_TYPE, HotdataSinkModesFailoverITCase::upsertEvent)
                        .setKeyColumns("id"));
        assertThat(E2E.server().requestLog().matching("POST", DATA_LOADS))
                .anyMatch(r -> r.dropped());
        assertUpsertResult(db);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void upsertTaskFailureAfterPrepareCommit(UploadReuse reuse) throws Exception {
        String db = under(reuse, "upsert_fail");
        run(
                db,
                2 * KEYS,
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, KEYS / 2),
                E2E.hotdata()
                        .sink(db, TABLE)
                        .setRowConverter(
                                TestRows.ROW_TYPE, HotdataSinkModesFailoverITCase::upsertEvent)
                        .setKeyColumns("id")
                        // writers upload their own files: the finalized uploads prove the window
                        .setSmallFilesMaxBytes(0));
        assertUpsertResult(db);
        FailoverJobs.assertFailedBetweenFinalizeAndLoad(E2E.hotdata(), db);
    }

    private void assertUpsertResult(String database) throws Exception {
        long[] stats =
                E2E.hotdata()
                        .aggregate(
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
        return E2E.hotdata()
                .sink(database, TABLE)
                .setRowConverter(TestRows.ROW_TYPE, index -> TestRows.row(index % KEYS))
                .setKeyColumns("id")
                .setWriteMode(HotdataWriteMode.INSERT_ONLY);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void insertOnlyAppendOfTheNewRowsAppliedButResponseLost(UploadReuse reuse) throws Exception {
        String db = under(reuse, "insert_lost");
        E2E.server().faults().dropAfterApply(1, "POST", DATA_LOADS);
        run(db, KEYS + KEYS / 2, null, insertOnlySink(db));
        assertThat(E2E.server().requestLog().matching("POST", DATA_LOADS))
                .anyMatch(r -> r.dropped());
        E2E.hotdata().assertExactly(db, TABLE, KEYS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void insertOnlyTaskFailureAfterPrepareCommit(UploadReuse reuse) throws Exception {
        String db = under(reuse, "insert_fail");
        run(
                db,
                KEYS + KEYS / 2,
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, KEYS / 4),
                // writers upload their own files: the finalized uploads prove the window
                insertOnlySink(db).setSmallFilesMaxBytes(0));
        E2E.hotdata().assertExactly(db, TABLE, KEYS);
        FailoverJobs.assertFailedBetweenFinalizeAndLoad(E2E.hotdata(), db);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void replaceAfterATaskFailureAndALostPublishHoldsExactlyTheNewRun(UploadReuse reuse)
            throws Exception {
        String db = under(reuse, "replace_fail");
        run(db, KEYS, null, E2E.hotdata().sink(db, TABLE).setWriteMode(HotdataWriteMode.REPLACE));
        E2E.hotdata().assertExactly(db, TABLE, KEYS);

        E2E.server().faults().dropAfterApply(1, "POST", DATA_LOADS);
        run(
                db,
                KEYS / 2,
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, KEYS / 16),
                E2E.hotdata().sink(db, TABLE).setWriteMode(HotdataWriteMode.REPLACE));
        assertThat(E2E.server().requestLog().matching("POST", DATA_LOADS))
                .anyMatch(r -> r.dropped());
        E2E.hotdata().assertExactly(db, TABLE, KEYS / 2);
        FailoverJobs.assertFailedBetweenFinalizeAndLoad(E2E.hotdata(), db);
    }

    private void run(
            String database, long rows, FailingMapper mapper, HotdataSinkBuilder<Long> sink)
            throws Exception {
        StreamExecutionEnvironment env =
                FailoverJobs.environment(FailoverJobs.DEFAULT_RESTART_ATTEMPTS);
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
        // keyed modes need every change of a key in one writer, in order
        KeyedStream<Long, Long> keyed = ids.keyBy(index -> index % KEYS);
        if (mapper == null) {
            keyed.sinkTo(sink.setRollingMaxBytes(8 * 1024).build());
        } else {
            // after the keyBy, at the writers' parallelism: chained with the writer, so that its
            // snapshot follows the writer's prepareCommit; no rolling: every upload is finalized
            // by prepareCommit, none while writing
            keyed.map(mapper)
                    .setParallelism(env.getParallelism())
                    .name(FailingMapper.NAME)
                    .uid("failing-mapper")
                    .sinkTo(sink.build());
            FailoverJobs.requireChainedWithWriter(env);
        }
        env.execute("modes failover " + database);
    }
}
