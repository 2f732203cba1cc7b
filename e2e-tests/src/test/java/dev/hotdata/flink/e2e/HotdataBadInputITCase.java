package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.sink.HotdataRowConverter;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.local.fault.RequestLogEntry;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bad-input catalogue: each case ends in a clear error that names the culprit, and nothing that
 * was committed is lost or duplicated. Where a retry or an operator's fix can publish the rest, the
 * test does it and checks the table is then exactly complete.
 */
class HotdataBadInputITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    private static final String TABLE = "events";
    private static final String DATA_LOADS = ".*/tables/" + TABLE + "/loads";
    private static final Duration FAILURE_DEADLINE = Duration.ofSeconds(90);

    /** Long enough that no checkpoint happens while a "fails at start" test runs. */
    private static final long NO_CHECKPOINT_SOON = Duration.ofMinutes(10).toMillis();

    @TempDir Path tmp;

    private HotdataClient client;

    @BeforeEach
    void setUp() {
        client = E2E.hotdata().client();
    }

    // ---------------------------------------------------------------- credentials, endpoint

    @Test
    void wrongApiKeyFailsTheJobAtStartWithoutRestartsAndKeepsCommittedRows() throws Exception {
        String db = "bad_key";
        runToEnd(E2E.hotdata().sink(db, TABLE), 0, 100);
        String wrongKey = "hd_wrong_" + UUID.randomUUID().toString().replace("-", "");
        int before = E2E.server().requestLog().entries().size();

        long started = System.nanoTime();
        JobClient job =
                start(
                        fixedDelayRestarts(3),
                        0,
                        Long.MAX_VALUE,
                        50,
                        NO_CHECKPOINT_SOON,
                        E2E.hotdata().sink(db, TABLE).setApiKey(wrongKey));
        String failure = ReliabilityChecks.describe(awaitFailure(job));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failure)
                .contains("Hotdata rejected the API key")
                .contains("HTTP 401")
                .contains(E2E.server().endpoint())
                .contains("workspace '" + E2E.server().workspaceId() + "'")
                .doesNotContain(wrongKey);
        // at start: long before the first checkpoint, and without uploading anything
        assertThat(took).isLessThan(Duration.ofMillis(NO_CHECKPOINT_SOON));
        assertThat(since(before, "POST", "/v1/uploads.*", -1)).isZero();
        // no restarts: one check per writer subtask, not one per restart attempt (the check looks
        // the database up by name, or lists databases on a server without the look-up)
        assertThat(since(before, "GET", "/v1/databases(/by-name)?", 401)).isBetween(1L, 2L);
        ReliabilityChecks.assertTestRows(client, E2E.hotdata().databaseId(db), TABLE, 0, 100);
    }

    @Test
    void wrongWorkspaceFailsTheJobAtStart() throws Exception {
        String db = "bad_workspace";
        runToEnd(E2E.hotdata().sink(db, TABLE), 0, 100);
        int before = E2E.server().requestLog().entries().size();

        JobClient job =
                start(
                        fixedDelayRestarts(3),
                        0,
                        Long.MAX_VALUE,
                        50,
                        NO_CHECKPOINT_SOON,
                        E2E.hotdata().sink(db, TABLE).setWorkspaceId("ws_does_not_exist"));
        String failure = ReliabilityChecks.describe(awaitFailure(job));

        assertThat(failure)
                .contains("Hotdata does not know workspace 'ws_does_not_exist'")
                .contains("HTTP 404")
                .contains("WORKSPACE_NOT_FOUND");
        assertThat(since(before, "POST", "/v1/uploads.*", -1)).isZero();
        assertThat(since(before, "GET", "/v1/databases", 404)).isBetween(1L, 2L);
        ReliabilityChecks.assertTestRows(client, E2E.hotdata().databaseId(db), TABLE, 0, 100);
    }

    @Test
    void unreachableEndpointFailsAtStartNamingTheEndpoint() throws Exception {
        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        } // closed now: nothing listens there

        JobClient job =
                start(
                        noRestarts(),
                        0,
                        Long.MAX_VALUE,
                        50,
                        NO_CHECKPOINT_SOON,
                        E2E.hotdata()
                                .sink("unreachable", TABLE)
                                .setEndpoint(closed)
                                .setMaxRetries(1)
                                .setRetryBackoff(Duration.ofMillis(50)));
        String failure = ReliabilityChecks.describe(awaitFailure(job));

        assertThat(failure).contains("Cannot reach Hotdata at " + closed);
        // the operator's fix (the right endpoint) publishes everything
        runToEnd(E2E.hotdata().sink("unreachable", TABLE), 0, 300);
        ReliabilityChecks.assertTestRows(
                client, E2E.hotdata().databaseId("unreachable"), TABLE, 0, 300);
    }

    // ---------------------------------------------------------------- target

    @Test
    void databaseNameMatchingSeveralDatabasesListsTheirIds() throws Exception {
        String first =
                client.createDatabase(CreateDatabaseRequest.builder().name("twins").build()).id();
        runToEnd(E2E.hotdata().sink("twins", TABLE), 0, 100);
        String second =
                client.createDatabase(CreateDatabaseRequest.builder().name("twins").build()).id();
        int before = E2E.server().requestLog().entries().size();

        JobClient job =
                start(
                        noRestarts(),
                        100,
                        200,
                        200,
                        NO_CHECKPOINT_SOON,
                        E2E.hotdata().sink("twins", TABLE));
        String failure = ReliabilityChecks.describe(awaitFailure(job));

        assertThat(failure)
                .contains("Hotdata database name 'twins' matches 2 databases")
                .contains(first)
                .contains(second)
                .contains("set the database id");
        assertThat(since(before, "POST", "/v1/uploads.*", -1)).isZero();
        ReliabilityChecks.assertTestRows(client, first, TABLE, 0, 100);

        // the operator's fix: pin the database by id; the rest is published into it
        runToEnd(E2E.hotdata().sink(null, TABLE).setDatabaseId(first), 100, 200);
        ReliabilityChecks.assertTestRows(client, first, TABLE, 0, 200);
        assertThat(client.query(second, "SELECT 1").rows()).hasSize(1); // untouched, still there
    }

    @Test
    void tombstonedTableIsReportedNotRecreated() throws Exception {
        String db = "tombstone";
        runToEnd(E2E.hotdata().sink(db, TABLE), 0, 100);
        String dbId = E2E.hotdata().databaseId(db);
        client.deleteTable(client.getDatabase(dbId).defaultConnectionId(), "public", TABLE);

        int before = E2E.server().requestLog().entries().size();
        JobClient job = start(noRestarts(), 100, 200, 400, 200, E2E.hotdata().sink(db, TABLE));
        String failure = ReliabilityChecks.describe(awaitFailure(job));

        assertThat(failure)
                .contains("Hotdata table public." + TABLE)
                .contains("was deleted")
                .contains("Choose another table name");
        // the failed run uploaded its rows but loaded nothing: no table came back to life
        assertThat(since(before, "POST", "/v1/uploads/[^/]+/finalize", 200)).isPositive();
        assertThat(since(before, "POST", DATA_LOADS, -1)).isZero();

        // the operator's fix: another table name; the whole input lands there
        runToEnd(E2E.hotdata().sink(db, "events_v2"), 100, 200);
        ReliabilityChecks.assertTestRows(client, dbId, "events_v2", 100, 200);
    }

    @Test
    void incompatibleColumnTypeInTheExistingTableFailsWithTheServersCode() throws Exception {
        String db = "schema_clash";
        runToEnd(E2E.hotdata().sink(db, TABLE), 0, 100); // amount is DECIMAL(12,2)
        RowType amountAsText =
                RowType.of(
                        new LogicalType[] {
                            new BigIntType(false), new VarCharType(VarCharType.MAX_LENGTH)
                        },
                        new String[] {"id", "amount"});
        HotdataRowConverter<Long> converter =
                i -> GenericRowData.of(i + 100, StringData.fromString("about " + i));

        JobClient job =
                start(
                        noRestarts(),
                        0,
                        200,
                        400,
                        200,
                        E2E.hotdata().sink(db, TABLE).setRowConverter(amountAsText, converter));
        String failure = ReliabilityChecks.describe(awaitFailure(job));

        assertThat(failure)
                .contains("Hotdata refused to publish checkpoint")
                .contains("409 INCOMPATIBLE_SCHEMA")
                .contains("column 'amount'")
                .contains("The uploads stay in Flink's checkpoint");
        ReliabilityChecks.assertTestRows(client, E2E.hotdata().databaseId(db), TABLE, 0, 100);
    }

    // ---------------------------------------------------------------- rows and keys

    @Test
    void nullPrimaryKeyInUpsertModeNamesTheColumnAndKeepsCommittedRows() throws Exception {
        String db = "null_key";
        RowType nullableId =
                RowType.of(
                        new LogicalType[] {
                            new BigIntType(true), new VarCharType(VarCharType.MAX_LENGTH)
                        },
                        new String[] {"id", "name"});
        runToEnd(
                E2E.hotdata()
                        .sink(db, TABLE)
                        .setRowConverter(nullableId, i -> keyedRow(i, -1))
                        .setKeyColumns("id"),
                0,
                100);

        long nullAt = 150;
        JobClient job =
                start(
                        noRestarts(),
                        0,
                        300,
                        200,
                        100,
                        E2E.hotdata()
                                .sink(db, TABLE)
                                .setRowConverter(nullableId, i -> keyedRow(i, nullAt))
                                .setKeyColumns("id"));
        String failure = ReliabilityChecks.describe(awaitFailure(job));

        assertThat(failure)
                .contains("Key column 'id'")
                .contains("is NULL")
                .contains(db + ".public." + TABLE);
        long[] stats =
                ReliabilityChecks.aggregate(
                        client,
                        E2E.hotdata().databaseId(db),
                        "SELECT count(*), count(DISTINCT id), count(id),"
                                + " sum(CASE WHEN id < 100 THEN 1 ELSE 0 END),"
                                + " sum(CASE WHEN name = 'key-' || CAST(id AS VARCHAR)"
                                + " THEN 1 ELSE 0 END)"
                                + " FROM public."
                                + TABLE);
        // what was committed stays, once, intact; no row of the failed batch beyond the NULL
        assertThat(stats[0]).isEqualTo(stats[1]).isEqualTo(stats[2]).isEqualTo(stats[4]);
        assertThat(stats[3]).isEqualTo(100);
        assertThat(stats[0]).isBetween(100L, nullAt);
    }

    private static GenericRowData keyedRow(long i, long nullAt) {
        return GenericRowData.of(i == nullAt ? null : i, StringData.fromString("key-" + i));
    }

    @Test
    void keyColumnMissingFromTheRowTypeIsRefusedWhenTheSinkIsBuilt() {
        assertThatThrownBy(
                        () -> E2E.hotdata().sink("k", TABLE).setKeyColumns("customer_id").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Key column 'customer_id'")
                .hasMessageContaining("[id, name, amount, ts]");

        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        sql.executeSql(
                "CREATE TABLE kv (id BIGINT, v STRING) WITH ('connector' = 'hotdata',"
                        + sqlConnection()
                        + ", 'sink.write-mode' = 'upsert')");
        assertThatThrownBy(() -> sql.executeSql("INSERT INTO kv VALUES (1, 'a')"))
                .hasRootCauseInstanceOf(ValidationException.class)
                .rootCause()
                .hasMessageContaining("'sink.write-mode' = 'upsert' needs a PRIMARY KEY");
    }

    @Test
    void identifiersHotdataRejectsAreRefusedNamingTheValue() {
        String tooLong = "t" + "x".repeat(63);
        for (String table : new String[] {"order-items", "1st_table", "my table", tooLong}) {
            assertThatThrownBy(() -> E2E.hotdata().sink("ids", table).build())
                    .as("table name %s", table)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid Hotdata table name '" + table + "'");
        }
        assertThatThrownBy(() -> E2E.hotdata().sink("ids", TABLE).setSchema("sales-eu").build())
                .hasMessageContaining("Invalid Hotdata schema name 'sales-eu'");
        assertThatThrownBy(() -> E2E.hotdata().sink("ids", "_flink_commits").build())
                .hasMessageContaining("reserved for the sink's commit log");
        RowType caseTwins =
                RowType.of(
                        new LogicalType[] {new BigIntType(false), new BigIntType()},
                        new String[] {"id", "ID"});
        assertThatThrownBy(
                        () ->
                                E2E.hotdata()
                                        .sink("ids", TABLE)
                                        .setRowConverter(caseTwins, null)
                                        .build())
                .hasMessageContaining("Columns 'id' and 'ID' differ only in case");

        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        sql.executeSql(
                "CREATE TABLE t (id BIGINT) WITH ('connector' = 'hotdata',"
                        + sqlConnection()
                        + ", 'table' = 'order-items')");
        assertThatThrownBy(() -> sql.executeSql("INSERT INTO t VALUES (1)"))
                .rootCause()
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Invalid 'hotdata' table default_catalog.default_database.t")
                .hasMessageContaining("'order-items'");
        // the server agrees: nothing with such a name was ever declared
        assertThat(E2E.server().requestLog().entries())
                .noneMatch(r -> r.path().contains("order-items"));
    }

    /**
     * Hotdata documents no length limit for strings (its column type is Utf8, without a length), so
     * the sink writes every string whole, whatever VARCHAR(n) the row type declares: larger than
     * the single-upload size, multi-byte characters, longer than the declared length. The rule
     * tested here is "never truncate": each value reads back with its length and digest.
     */
    @Test
    void oversizedStringsArePublishedWholeNeverTruncated() throws Exception {
        String db = "big_strings";
        RowType type =
                RowType.of(
                        new LogicalType[] {
                            new BigIntType(false),
                            new VarCharType(8),
                            new VarCharType(VarCharType.MAX_LENGTH)
                        },
                        new String[] {"id", "short_text", "big_text"});
        runToEnd(
                E2E.hotdata()
                        .sink(db, TABLE)
                        .setRowConverter(
                                type,
                                i ->
                                        GenericRowData.of(
                                                i,
                                                StringData.fromString(overflowing(i)),
                                                StringData.fromString(bigText(i)))),
                0,
                3);

        // the biggest file exceeded the single-upload limit and went up in parts
        assertThat(since(E2E.logStart(), "POST", "/v1/uploads/[^/]+/parts", 200)).isPositive();
        QueryResponse rows =
                client.query(
                        E2E.hotdata().databaseId(db),
                        "SELECT id, short_text, length(big_text), md5(big_text) FROM public."
                                + TABLE
                                + " ORDER BY id");
        assertThat(rows.rows()).hasSize(3);
        for (List<Object> row : rows.rows()) {
            long id = Long.parseLong(String.valueOf(row.get(0)));
            String big = bigText(id);
            assertThat(row.get(1)).isEqualTo(overflowing(id));
            assertThat(Long.parseLong(String.valueOf(row.get(2))))
                    .isEqualTo(big.codePointCount(0, big.length()));
            assertThat(row.get(3)).isEqualTo(md5(big));
        }
    }

    /** Longer than the declared VARCHAR(8). */
    private static String overflowing(long id) {
        return "declared-eight-but-longer-" + id;
    }

    /** 3 to 12 MiB of incompressible text with multi-byte characters; a function of the id. */
    private static String bigText(long id) {
        Random random = new Random(id);
        int chars = (int) ((3 + 4.5 * id) * 1024 * 1024);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789éß漢字€";
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String md5(String text) throws Exception {
        byte[] digest =
                MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, digest));
    }

    // ---------------------------------------------------------------- terminal server errors

    @Test
    void loadRejectedByTheServerFailsTheJobAndARestorePublishesTheCommittable() throws Exception {
        String db = "rejected_load";
        long rows = 2_000;
        Path checkpoints = tmp.resolve("checkpoints");
        Configuration conf = noRestarts();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        JobClient job = start(conf, 0, rows, 500, 200, E2E.hotdata().sink(db, TABLE));
        // reject a load once some rows were published, so that there is something to keep
        Conditions.waitUntil(
                "a first published checkpoint",
                Duration.ofSeconds(60),
                () -> since(E2E.logStart(), "POST", DATA_LOADS, 200) > 0);
        E2E.server().faults().failNext(1, "POST", DATA_LOADS, 400, null, "SOME_CODE");
        String failure = ReliabilityChecks.describe(awaitFailure(job));

        assertThat(failure)
                .contains("Hotdata refused to publish checkpoint")
                .contains("(400 SOME_CODE): injected fault (hotdata-local)")
                .contains("The uploads stay in Flink's checkpoint");
        assertThat(since(E2E.logStart(), "POST", DATA_LOADS, 400)).isEqualTo(1);
        long[] partial =
                ReliabilityChecks.aggregate(
                        client,
                        E2E.hotdata().databaseId(db),
                        "SELECT count(*), count(DISTINCT id) FROM public." + TABLE);
        assertThat(partial[0]).isEqualTo(partial[1]).isPositive().isLessThan(rows);

        // the fault is gone; the job restored from its last checkpoint publishes the rest once
        Path restoreFrom = ReliabilityChecks.latestCheckpoint(checkpoints);
        Configuration restore = noRestarts();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        start(restore, 0, rows, 500, 200, E2E.hotdata().sink(db, TABLE))
                .getJobExecutionResult()
                .get();
        ReliabilityChecks.assertTestRows(client, E2E.hotdata().databaseId(db), TABLE, 0, rows);
    }

    // ---------------------------------------------------------------- helpers

    private String sqlConnection() {
        return " 'endpoint' = '"
                + E2E.server().endpoint()
                + "', 'api-key' = '"
                + E2E.server().apiKey()
                + "', 'workspace-id' = '"
                + E2E.server().workspaceId()
                + "'";
    }

    private void runToEnd(HotdataSinkBuilder<Long> sink, long from, long to) throws Exception {
        start(fixedDelayRestarts(3), from, to, 10_000, 200, sink).getJobExecutionResult().get();
    }

    /**
     * A job writing the {@link TestRows} with ids {@code from..to-1} (unbounded when {@code to} is
     * {@code Long.MAX_VALUE}) at a bounded rate, parallelism 2.
     */
    private JobClient start(
            Configuration conf,
            long from,
            long to,
            long ratePerSecond,
            long checkpointMillis,
            HotdataSinkBuilder<Long> sink)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointMillis);
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index + from,
                                to == Long.MAX_VALUE ? to : to - from,
                                RateLimiterStrategy.perSecond(ratePerSecond),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids")
                .uid("ids")
                .sinkTo(sink.setRollingMaxBytes(8 * 1024).build())
                .uid("hotdata-sink");
        return env.executeAsync("bad input");
    }

    private static Configuration noRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    private static Configuration fixedDelayRestarts(int attempts) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return conf;
    }

    private static Throwable awaitFailure(JobClient job) throws Exception {
        return ReliabilityChecks.awaitFailure(job, FAILURE_DEADLINE);
    }

    /** Requests since log entry {@code from} with that method, path and status (-1 = any). */
    private long since(int from, String method, String pathRegex, int status) {
        List<RequestLogEntry> entries = E2E.server().requestLog().entries();
        return entries.subList(Math.min(from, entries.size()), entries.size()).stream()
                .filter(r -> r.method().equals(method))
                .filter(r -> r.path().matches(pathRegex))
                .filter(r -> status < 0 || r.status() == status)
                .count();
    }
}
