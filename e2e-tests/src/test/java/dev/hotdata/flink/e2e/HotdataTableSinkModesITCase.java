package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.model.InformationSchemaPage;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.TableInfo;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The write modes of {@code 'connector' = 'hotdata'}: upsert with updates and deletes from a
 * changelog, insert-only, INSERT OVERWRITE (atomic for concurrent readers), several tables of one
 * database in one job, the table layout, and the errors for bad options.
 */
class HotdataTableSinkModesITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    /** Keys of the changelog test; it emits three events per key. */
    private static final int KEYS = 600;

    @BeforeEach
    void setUp() {
        FailingMapper.reset();
    }

    private static String connection(String database, String extra) {
        HotdataLocalServer server = E2E.server();
        return "'connector' = 'hotdata', 'endpoint' = '"
                + server.endpoint()
                + "', 'api-key' = '"
                + server.apiKey()
                + "', 'workspace-id' = '"
                + server.workspaceId()
                + "', 'database' = '"
                + database
                + "', 'sink.retry.backoff' = '200 ms'"
                + extra;
    }

    private static StreamTableEnvironment streaming(int parallelism) {
        return StreamTableEnvironment.create(streamingEnv(parallelism));
    }

    private static StreamExecutionEnvironment streamingEnv(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(200);
        env.setParallelism(parallelism);
        return env;
    }

    private static StreamTableEnvironment batch(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(parallelism);
        return StreamTableEnvironment.create(env);
    }

    // ---------------------------------------------------------------------------------------
    // upsert

    /**
     * The changelog event number {@code i}: every key is inserted, then updated or deleted, then
     * updated again, re-inserted, or deleted again while absent.
     */
    static Row changelogEvent(long i) {
        int phase = (int) (i / KEYS);
        long k = i % KEYS;
        switch (phase) {
            case 0:
                return Row.ofKind(RowKind.INSERT, k, "a", k);
            case 1:
                if (k % 5 == 0) {
                    return Row.ofKind(RowKind.DELETE, k, null, null);
                }
                return k % 3 == 0
                        ? Row.ofKind(RowKind.UPDATE_AFTER, k, "b", k * 10)
                        : Row.ofKind(RowKind.UPDATE_AFTER, k, "a1", k + 1);
            default:
                if (k % 10 == 0) {
                    return Row.ofKind(RowKind.INSERT, k, "c", k * 100);
                }
                if (k % 5 == 0) {
                    return Row.ofKind(RowKind.DELETE, k, null, null);
                }
                return k % 7 == 0
                        ? Row.ofKind(RowKind.UPDATE_AFTER, k, "d", k * 1000)
                        : Row.ofKind(RowKind.UPDATE_AFTER, k, "e", k + 2);
        }
    }

    /** The table the changelog leaves, computed independently of the sink. */
    private static Map<Long, String> expectedAfterChangelog() {
        Map<Long, String> state = new TreeMap<>();
        for (long i = 0; i < 3L * KEYS; i++) {
            Row row = changelogEvent(i);
            long key = (Long) row.getField(0);
            if (row.getKind() == RowKind.DELETE) {
                state.remove(key);
            } else {
                state.put(key, row.getField(1) + "|" + row.getField(2));
            }
        }
        return state;
    }

    private Map<Long, String> contents(String database, String table) throws Exception {
        QueryResponse response =
                E2E.hotdata()
                        .client()
                        .query(
                                E2E.hotdata().databaseId(database),
                                "SELECT id, name, v FROM public." + table + " ORDER BY id");
        Map<Long, String> rows = new TreeMap<>();
        for (List<Object> row : response.rows()) {
            Long id = Long.parseLong(String.valueOf(row.get(0)));
            String previous = rows.put(id, row.get(1) + "|" + row.get(2));
            assertThat(previous).as("duplicate key %s", id).isNull();
        }
        return rows;
    }

    private void runChangelog(String database, FailingMapper failure) throws Exception {
        StreamExecutionEnvironment env = streamingEnv(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<Long> indexes =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        index -> index,
                                        3L * KEYS,
                                        RateLimiterStrategy.perSecond(1_500),
                                        Types.LONG),
                                WatermarkStrategy.noWatermarks(),
                                "changelog")
                        .setParallelism(1);
        if (failure != null) {
            indexes = indexes.map(failure).setParallelism(1);
        }
        DataStream<Row> changes =
                indexes.map(HotdataTableSinkModesITCase::changelogEvent)
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"id", "name", "v"},
                                        Types.LONG,
                                        Types.STRING,
                                        Types.LONG))
                        .setParallelism(1);
        tEnv.createTemporaryView(
                "changes",
                tEnv.fromChangelogStream(
                        changes,
                        Schema.newBuilder()
                                .column("id", DataTypes.BIGINT().notNull())
                                .column("name", DataTypes.STRING())
                                .column("v", DataTypes.BIGINT())
                                .primaryKey("id")
                                .build(),
                        ChangelogMode.upsert()));
        tEnv.executeSql(
                "CREATE TABLE kv (id BIGINT NOT NULL, name STRING, v BIGINT,"
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + connection(
                                database,
                                ", 'sink.buffer-flush.max-bytes' = '16kb', 'sink.parallelism' = '2'")
                        + ")");
        tEnv.executeSql("INSERT INTO kv SELECT id, name, v FROM changes").await();
    }

    @Test
    void upsertAppliesUpdatesAndDeletesFromAChangelog() throws Exception {
        runChangelog("sql_upsert", null);

        Map<Long, String> expected = expectedAfterChangelog();
        assertThat(contents("sql_upsert", "kv")).isEqualTo(expected);
        // deletes were published as delete loads, and several checkpoints committed
        HotdataLocalServer server = E2E.server();
        assertThat(server.requestLog().matching("POST", ".*/tables/kv/loads"))
                .hasSizeGreaterThan(2);
    }

    @Test
    void upsertIsExactAfterAFailureAfterPrepareCommit() throws Exception {
        runChangelog(
                "sql_upsert_fail",
                new FailingMapper(FailingMapper.Point.AFTER_PREPARE_COMMIT, KEYS + 50));
        assertThat(FailingMapper.FAILED).isTrue();
        assertThat(contents("sql_upsert_fail", "kv")).isEqualTo(expectedAfterChangelog());
    }

    // ---------------------------------------------------------------------------------------
    // insert-only

    @Test
    void insertOnlyKeepsRowsWhoseKeyExists() throws Exception {
        String table =
                "CREATE TABLE kv (id BIGINT NOT NULL, name STRING, v BIGINT,"
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + connection("sql_insert_only", ", 'sink.write-mode' = 'insert-only'")
                        + ")";
        StreamTableEnvironment first = batch(2);
        first.executeSql(table);
        first.executeSql(
                        "INSERT INTO kv SELECT id, 'first', id FROM "
                                + sequence(first, "s1", 0, 100))
                .await();
        StreamTableEnvironment second = streaming(2);
        second.executeSql(table);
        second.executeSql(
                        "INSERT INTO kv SELECT id, 'second', id * 2 FROM "
                                + sequence(second, "s2", 50, 150))
                .await();

        Map<Long, String> expected = new TreeMap<>();
        for (long id = 0; id < 150; id++) {
            expected.put(id, id < 100 ? "first|" + id : "second|" + (id * 2));
        }
        assertThat(contents("sql_insert_only", "kv")).isEqualTo(expected);
        // the table was never read back to the client: only loads of server-side results
        assertThat(
                        E2E.server().requestLog().matching("GET", "/v1/results/.*").stream()
                                .filter(r -> r.query() == null || !r.query().contains("limit=0")))
                .isEmpty();
    }

    /** A bounded table {@code name(id)} of the ids from..to-1. */
    private static String sequence(StreamTableEnvironment tEnv, String name, long from, long to) {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + name
                        + " (id BIGINT NOT NULL) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '"
                        + from
                        + "', 'fields.id.end' = '"
                        + (to - 1)
                        + "', 'number-of-rows' = '"
                        + (to - from)
                        + "')");
        return name;
    }

    // ---------------------------------------------------------------------------------------
    // replace / INSERT OVERWRITE

    @Test
    void insertOverwriteIsAtomicForAConcurrentReader() throws Exception {
        String ddl =
                "CREATE TABLE versions (id BIGINT NOT NULL, version STRING) WITH ("
                        + connection("sql_overwrite", "")
                        + ")";
        StreamTableEnvironment first = batch(4);
        first.executeSql(ddl);
        first.executeSql(
                        "INSERT OVERWRITE versions SELECT id, 'old' FROM "
                                + sequence(first, "s1", 0, 300))
                .await();
        assertThat(versions()).isEqualTo("300|1|old");

        StreamTableEnvironment second = streaming(4);
        second.executeSql(ddl);
        second.executeSql(
                "CREATE TABLE gen (id BIGINT NOT NULL) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',"
                        + " 'fields.id.end' = '3999', 'number-of-rows' = '4000', 'rows-per-second' = '1500')");
        TableResult job = second.executeSql("INSERT OVERWRITE versions SELECT id, 'new' FROM gen");

        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> readerError = new AtomicReference<>();
        int[] seenWhileStaging = new int[1];
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                while (!done.get()) {
                                    boolean staging =
                                            E2E.server()
                                                            .requestLog()
                                                            .count(
                                                                    "POST",
                                                                    ".*/tables/_flink_stage_.*/loads")
                                                    > 1;
                                    String state = versions();
                                    seen.add(state);
                                    if (staging && state.endsWith("old")) {
                                        seenWhileStaging[0]++;
                                    }
                                }
                            } catch (Throwable t) {
                                readerError.set(t);
                            }
                        },
                        "overwrite-reader");
        reader.start();
        try {
            job.await();
        } finally {
            done.set(true);
            reader.join(30_000);
        }
        assertThat(readerError.get()).isNull();
        assertThat(versions()).isEqualTo("4000|1|new");
        assertThat(seen)
                .isNotEmpty()
                .allMatch(s -> s.equals("300|1|old") || s.equals("4000|1|new"));
        // the reader did look while the job was staging rows over several checkpoints
        assertThat(seenWhileStaging[0]).isPositive();
        assertThat(E2E.server().requestLog().count("POST", ".*/tables/_flink_stage_.*/loads"))
                .isGreaterThan(4);
        // the stage is dropped after publishing
        assertThat(tables("sql_overwrite")).noneMatch(t -> t.startsWith("_flink_stage_"));
    }

    @Test
    void insertOverwriteWithAnEmptyResultEmptiesTheTable() throws Exception {
        String ddl =
                "CREATE TABLE emptied (id BIGINT NOT NULL, name STRING) WITH ("
                        + connection("sql_emptied", "")
                        + ")";
        StreamTableEnvironment tEnv = batch(2);
        tEnv.executeSql(ddl);
        tEnv.executeSql(
                        "INSERT OVERWRITE emptied SELECT id, 'x' FROM "
                                + sequence(tEnv, "s1", 0, 10))
                .await();
        assertThat(E2E.hotdata().aggregate("sql_emptied", "SELECT count(*) FROM public.emptied")[0])
                .isEqualTo(10);
        tEnv.executeSql("INSERT OVERWRITE emptied SELECT id, 'x' FROM s1 WHERE id < 0").await();
        assertThat(E2E.hotdata().aggregate("sql_emptied", "SELECT count(*) FROM public.emptied")[0])
                .isZero();
    }

    @Test
    void replaceModeRunTwiceLeavesTheSameContents() throws Exception {
        String ddl =
                "CREATE TABLE snapshot (id BIGINT NOT NULL, name STRING) WITH ("
                        + connection("sql_replace", ", 'sink.write-mode' = 'replace'")
                        + ")";
        for (int run = 0; run < 2; run++) {
            StreamTableEnvironment tEnv = batch(2);
            tEnv.executeSql(ddl);
            tEnv.executeSql(
                            "INSERT INTO snapshot SELECT id, 'n' FROM "
                                    + sequence(tEnv, "s1", 0, 250))
                    .await();
            assertThat(
                            E2E.hotdata()
                                    .aggregate(
                                            "sql_replace",
                                            "SELECT count(*), count(DISTINCT id) FROM public.snapshot"))
                    .containsExactly(250, 250);
        }
    }

    private String versions() throws Exception {
        QueryResponse response =
                E2E.hotdata()
                        .client()
                        .query(
                                E2E.hotdata().databaseId("sql_overwrite"),
                                "SELECT count(*), count(DISTINCT version), min(version)"
                                        + " FROM public.versions");
        List<Object> row = response.rows().get(0);
        return row.get(0) + "|" + row.get(1) + "|" + row.get(2);
    }

    private List<String> tables(String database) throws Exception {
        String connection =
                E2E.hotdata()
                        .client()
                        .getDatabase(E2E.hotdata().databaseId(database))
                        .defaultConnectionId();
        InformationSchemaPage page =
                E2E.hotdata()
                        .client()
                        .informationSchema(
                                InformationSchemaRequest.builder()
                                        .connectionId(connection)
                                        .includeColumns(false)
                                        .build());
        List<String> names = new ArrayList<>();
        for (TableInfo table : page.tables()) {
            names.add(table.table());
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------
    // several tables, layout, bad options

    @Test
    void aStatementSetIntoOneDatabaseTakesTurnsWithoutLockConflicts() throws Exception {
        StreamTableEnvironment tEnv = streaming(2);
        tEnv.executeSql(
                "CREATE TABLE src (id BIGINT NOT NULL) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',"
                        + " 'fields.id.end' = '1999', 'rows-per-second' = '2000')");
        for (String t : new String[] {"t1", "t2", "t3"}) {
            tEnv.executeSql(
                    "CREATE TABLE "
                            + t
                            + " (id BIGINT NOT NULL, name STRING, amount DECIMAL(12, 2)) WITH ("
                            + connection("sql_multi", "")
                            + ")");
        }
        int before = E2E.server().requestLog().entries().size();
        String select =
                " SELECT id, CONCAT('name-', CAST(id AS STRING)),"
                        + " CAST(MOD(id * 7, 100000) AS DECIMAL(12, 2)) / 100 FROM src";
        tEnv.createStatementSet()
                .addInsertSql("INSERT INTO t1" + select)
                .addInsertSql("INSERT INTO t2" + select)
                .addInsertSql("INSERT INTO t3" + select)
                .execute()
                .await();

        for (String t : new String[] {"t1", "t2", "t3"}) {
            E2E.hotdata().assertExactly("sql_multi", t, 2000);
        }
        long conflicts =
                E2E.server().requestLog().entries().stream()
                        .skip(before)
                        .filter(r -> r.status() == 409)
                        .filter(r -> "RESOURCE_LOCKED".equals(r.errorCode()))
                        .count();
        assertThat(conflicts).as("409 RESOURCE_LOCKED answers").isZero();
    }

    @Test
    void partitioningSortKeyAndDeclaredTablesAreDeclared() throws Exception {
        StreamTableEnvironment tEnv = batch(1);
        tEnv.executeSql(
                "CREATE TABLE sales (id BIGINT NOT NULL, region STRING, ts TIMESTAMP(3))"
                        + " PARTITIONED BY (region) WITH ("
                        + connection(
                                "sql_layout",
                                ", 'sorted-by' = 'ts desc nulls last, id',"
                                        + " 'declared-tables' = 'returns;Refunds'")
                        + ")");
        tEnv.executeSql(
                        "INSERT INTO sales VALUES (CAST(1 AS BIGINT), 'eu',"
                                + " TIMESTAMP '2024-01-01 00:00:00')")
                .await();

        String connection =
                E2E.hotdata()
                        .client()
                        .getDatabase(E2E.hotdata().databaseId("sql_layout"))
                        .defaultConnectionId();
        InformationSchemaPage page =
                E2E.hotdata()
                        .client()
                        .informationSchema(
                                InformationSchemaRequest.builder()
                                        .connectionId(connection)
                                        .schema("public")
                                        .build());
        Map<String, TableInfo> byName = new TreeMap<>();
        for (TableInfo table : page.tables()) {
            byName.put(table.table(), table);
        }
        assertThat(byName).containsKeys("sales", "returns", "refunds");
        assertThat(byName.get("sales").toString())
                .contains("region")
                .contains("ts")
                .contains("desc");
    }

    @Test
    void badOptionsAreNamed() {
        StreamTableEnvironment tEnv = streaming(1);
        assertRejected(
                tEnv,
                "CREATE TABLE no_key (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sink.write-mode' = 'upsert'")
                        + ")",
                "INSERT INTO no_key VALUES (1)",
                "'sink.write-mode' = 'upsert' needs a PRIMARY KEY");
        assertRejected(
                tEnv,
                "CREATE TABLE no_key2 (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sink.write-mode' = 'insert-only'")
                        + ")",
                "INSERT INTO no_key2 VALUES (1)",
                "'sink.write-mode' = 'insert-only' needs a PRIMARY KEY");
        assertRejected(
                tEnv,
                "CREATE TABLE bad_sort (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sorted-by' = 'id sideways'")
                        + ")",
                "INSERT INTO bad_sort VALUES (1)",
                "'sideways'");
        assertRejected(
                tEnv,
                "CREATE TABLE bad_sort_col (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sorted-by' = 'missing'")
                        + ")",
                "INSERT INTO bad_sort_col VALUES (1)",
                "'missing'");
        assertRejected(
                tEnv,
                "CREATE TABLE bad_guarantee (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sink.delivery-guarantee' = 'none'")
                        + ")",
                "INSERT INTO bad_guarantee VALUES (1)",
                "'sink.delivery-guarantee' = 'none'");
        assertRejected(
                tEnv,
                "CREATE TABLE bad_size (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sink.max-retries' = '-1'")
                        + ")",
                "INSERT INTO bad_size VALUES (1)",
                "'sink.max-retries' must be 0 or more, but is -1");
        assertRejected(
                tEnv,
                "CREATE TABLE bad_buffer (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sink.buffer-flush.max-bytes' = '0 b'")
                        + ")",
                "INSERT INTO bad_buffer VALUES (1)",
                "'sink.buffer-flush.max-bytes' must be positive");
        assertRejected(
                tEnv,
                "CREATE TABLE bad_rolling (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'sink.rolling.max-bytes' = '0 b'")
                        + ")",
                "INSERT INTO bad_rolling VALUES (1)",
                "'sink.rolling.max-bytes' must be positive");
        assertRejected(
                tEnv,
                "CREATE TABLE bad_declared (id BIGINT) WITH ("
                        + connection("sql_bad", ", 'declared-tables' = 'ok;not-ok'")
                        + ")",
                "INSERT INTO bad_declared VALUES (1)",
                "'not-ok'");
        assertRejected(
                tEnv,
                "CREATE TABLE no_credentials (id BIGINT) WITH ('connector' = 'hotdata',"
                        + " 'endpoint' = '"
                        + E2E.server().endpoint()
                        + "', 'database' = 'sql_bad')",
                "INSERT INTO no_credentials VALUES (1)",
                "HOTDATA_API_KEY");
        tEnv.executeSql("CREATE TABLE unbounded_src (id BIGINT) WITH ('connector' = 'datagen')");
        assertRejected(
                tEnv,
                "CREATE TABLE overwritten (id BIGINT) WITH (" + connection("sql_bad", "") + ")",
                "INSERT OVERWRITE overwritten SELECT id FROM unbounded_src",
                "needs a bounded input");
        StreamTableEnvironment batch = batch(1);
        assertRejected(
                batch,
                "CREATE TABLE parts (id BIGINT, p STRING) PARTITIONED BY (p) WITH ("
                        + connection("sql_bad", "")
                        + ")",
                "INSERT OVERWRITE parts PARTITION (p = 'x') SELECT CAST(1 AS BIGINT)",
                "replaces whole tables, not partitions");
    }

    private static void assertRejected(
            StreamTableEnvironment tEnv, String ddl, String insert, String message) {
        tEnv.executeSql(ddl);
        assertThatThrownBy(() -> tEnv.executeSql(insert).await()).hasStackTraceContaining(message);
    }
}
