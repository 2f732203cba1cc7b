package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.model.QueryRunInfo;
import dev.hotdata.flink.connector.sink.HotdataTableRegistry;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.fault.RequestLogEntry;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The read side: the catalog lists what landed, and the scan source reads it back. */
class HotdataCatalogITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(2);

    private StreamTableEnvironment tEnv;

    @BeforeEach
    void setUp() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        tEnv = StreamTableEnvironment.create(env);
        HotdataLocalServer server = E2E.server();
        tEnv.executeSql(
                "CREATE CATALOG hd WITH ('type' = 'hotdata', 'endpoint' = '"
                        + server.endpoint()
                        + "', 'api-key' = '"
                        + server.apiKey()
                        + "', 'workspace-id' = '"
                        + server.workspaceId()
                        + "')");
    }

    private String connection(String database) {
        HotdataLocalServer server = E2E.server();
        return "'connector' = 'hotdata', 'endpoint' = '"
                + server.endpoint()
                + "', 'api-key' = '"
                + server.apiKey()
                + "', 'workspace-id' = '"
                + server.workspaceId()
                + "', 'database' = '"
                + database
                + "'";
    }

    private void writeOrders(String database, long rows) throws Exception {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE ids (id BIGINT NOT NULL) WITH ('connector' = 'datagen',"
                        + " 'rows-per-second' = '100000000', 'number-of-rows' = '"
                        + rows
                        + "', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',"
                        + " 'fields.id.end' = '"
                        + (rows - 1)
                        + "')");
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE orders_sink (id BIGINT NOT NULL, name STRING,"
                        + " amount DECIMAL(12, 2), ts TIMESTAMP_LTZ(3), `day` DATE, paid BOOLEAN,"
                        + " score DOUBLE) WITH ("
                        + connection(database)
                        + ", 'table' = 'orders')");
        tEnv.executeSql(
                        "INSERT INTO orders_sink SELECT id, CONCAT('name-', CAST(id AS STRING)),"
                                + " CAST(id AS DECIMAL(12, 2)) / 100,"
                                + " TO_TIMESTAMP_LTZ(1700000000000 + id, 3),"
                                + " DATE '2024-01-01', MOD(id, 2) = 0, CAST(id AS DOUBLE) / 4"
                                + " FROM ids")
                .await();
    }

    private List<Row> collect(String sql) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(sql).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void writtenRowsAreListedAndReadBackEqual() throws Exception {
        writeOrders("cat_sales", 200);

        assertThat(collect("SHOW DATABASES FROM hd"))
                .extracting(r -> r.getField(0))
                .contains("cat_sales");
        assertThat(collect("SHOW TABLES FROM hd.cat_sales"))
                .extracting(r -> r.getField(0))
                .contains("orders", "_flink_commits");

        List<Row> rows = collect("SELECT * FROM hd.cat_sales.orders");
        assertThat(rows).hasSize(200);
        List<String> got =
                rows.stream()
                        .map(
                                r ->
                                        r.getField(0)
                                                + "|"
                                                + r.getField(1)
                                                + "|"
                                                + r.getField(2)
                                                + "|"
                                                + r.getField(3)
                                                + "|"
                                                + r.getField(4)
                                                + "|"
                                                + r.getField(5)
                                                + "|"
                                                + r.getField(6))
                        .sorted()
                        .collect(Collectors.toList());
        List<String> expected = new ArrayList<>();
        for (long id = 0; id < 200; id++) {
            expected.add(
                    id
                            + "|name-"
                            + id
                            + "|"
                            + java.math.BigDecimal.valueOf(id, 2).setScale(2)
                            + "|"
                            + java.time.Instant.ofEpochMilli(1_700_000_000_000L + id)
                            + "|2024-01-01|"
                            + (id % 2 == 0)
                            + "|"
                            + (id / 4.0));
        }
        expected.sort(null);
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void theCatalogsKeyIsUsedButNeverPrinted() throws Exception {
        writeOrders("cat_keys", 20);
        String ddl = (String) collect("SHOW CREATE TABLE hd.cat_keys.orders").get(0).getField(0);
        assertThat(ddl).contains("'connector' = 'hotdata'").contains("cat_keys");
        assertThat(ddl).doesNotContain(E2E.server().apiKey()).doesNotContain("api-key");

        // the key still reaches the planned sink and source, added at planning time
        tEnv.executeSql(
                        "INSERT INTO hd.cat_keys.orders (id, name) VALUES (1000, 'through the"
                                + " catalog')")
                .await();
        assertThat(collect("SELECT count(*) FROM hd.cat_keys.orders"))
                .extracting(r -> ((Number) r.getField(0)).longValue())
                .containsExactly(21L);
    }

    @Test
    void nestedColumnsComeBackAsArrayMapAndRow() throws Exception {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE nested_sink (id BIGINT NOT NULL, tags ARRAY<INT>,"
                        + " attrs MAP<STRING, INT>, address ROW<city STRING, zip INT>) WITH ("
                        + connection("cat_nested")
                        + ", 'table' = 'nested')");
        tEnv.executeSql(
                        "INSERT INTO nested_sink VALUES"
                                + " (1, ARRAY[1, 2, 3], MAP['a', 1, 'b', 2], ROW('Oslo', 150)),"
                                + " (2, ARRAY[CAST(NULL AS INT), 5], MAP['c', CAST(NULL AS INT)],"
                                + " ROW(CAST(NULL AS STRING), 7)),"
                                + " (3, CAST(NULL AS ARRAY<INT>), CAST(NULL AS MAP<STRING, INT>),"
                                + " CAST(NULL AS ROW<city STRING, zip INT>))")
                .await();

        assertThat(collect("DESCRIBE hd.cat_nested.nested"))
                .extracting(r -> r.getField(0) + " " + r.getField(1))
                .contains(
                        "tags ARRAY<INT>",
                        "attrs MAP<STRING NOT NULL, INT>",
                        "address ROW<`city` STRING, `zip` INT>");
        List<Row> back =
                collect("SELECT id, tags, attrs, address FROM hd.cat_nested.nested ORDER BY id");
        assertThat(back).hasSize(3);
        assertThat((Integer[]) back.get(0).getField(1)).containsExactly(1, 2, 3);
        assertThat(asMap(back.get(0).getField(2))).containsOnly(entry("a", 1), entry("b", 2));
        assertThat(back.get(0).getField(3)).isEqualTo(Row.of("Oslo", 150));
        assertThat((Integer[]) back.get(1).getField(1)).containsExactly(null, 5);
        assertThat(asMap(back.get(1).getField(2))).containsOnly(entry("c", null));
        assertThat(back.get(1).getField(3)).isEqualTo(Row.of(null, 7));
        assertThat(back.get(2).getField(1)).isNull();
        assertThat(back.get(2).getField(2)).isNull();
        assertThat(back.get(2).getField(3)).isNull();
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object value) {
        return (Map<Object, Object>) value;
    }

    @Test
    void projectionFilterAndLimitArePushedIntoTheQuery() throws Exception {
        writeOrders("cat_push", 100);
        HotdataLocalServer server = E2E.server();
        int mark = server.requestLog().entries().size();

        List<Row> rows =
                collect(
                        "SELECT name FROM hd.cat_push.orders WHERE id >= 90 AND name <> 'name-95'"
                                + " AND paid IS NOT NULL");
        assertThat(rows)
                .extracting(r -> (String) r.getField(0))
                .containsExactlyInAnyOrder(
                        "name-90", "name-91", "name-92", "name-93", "name-94", "name-96", "name-97",
                        "name-98", "name-99");
        String sql = sentQuery("cat_push", mark);
        assertThat(sql)
                .startsWith("SELECT \"name\" FROM public.orders WHERE ")
                .contains("\"id\" >= 90")
                .contains("\"name\" <> 'name-95'")
                .contains("\"paid\" IS NOT NULL");

        mark = server.requestLog().entries().size();
        assertThat(collect("SELECT id FROM hd.cat_push.orders LIMIT 7")).hasSize(7);
        assertThat(sentQuery("cat_push", mark))
                .isEqualTo("SELECT \"id\" FROM public.orders LIMIT 7");
    }

    /** The SQL of the query run the source started since {@code mark}. */
    private String sentQuery(String database, int mark) throws Exception {
        List<RequestLogEntry> log = E2E.server().requestLog().entries();
        String runId = null;
        for (RequestLogEntry entry : log.subList(mark, log.size())) {
            if (entry.method().equals("GET") && entry.path().startsWith("/v1/query-runs/")) {
                runId = entry.path().substring("/v1/query-runs/".length());
            }
        }
        assertThat(runId).as("a query run polled by the source").isNotNull();
        QueryRunInfo run =
                E2E.hotdata().client().getQueryRun(E2E.hotdata().databaseId(database), runId);
        return run.sqlText();
    }

    @Test
    void aMillionRowsAreReadPageByPage() throws Exception {
        writeOrders("cat_big", 1_000_000);
        HotdataLocalServer server = E2E.server();
        int mark = server.requestLog().entries().size();

        List<Row> rows =
                collect(
                        "SELECT count(*), sum(id), max(CHAR_LENGTH(name)) FROM hd.cat_big.orders"
                                + " /*+ OPTIONS('scan.fetch-size' = '50000') */");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getField(0)).isEqualTo(1_000_000L);
        assertThat(rows.get(0).getField(1)).isEqualTo(999_999L * 1_000_000L / 2);
        assertThat(rows.get(0).getField(2)).isEqualTo(11); // name-999999

        // every page asked for at most 50,000 rows (scan.fetch-size): readers never hold more
        List<RequestLogEntry> pages =
                server
                        .requestLog()
                        .entries()
                        .subList(mark, server.requestLog().entries().size())
                        .stream()
                        .filter(
                                e ->
                                        e.method().equals("GET")
                                                && e.path().startsWith("/v1/results/"))
                        .filter(e -> e.query() != null && !e.query().contains("limit=0"))
                        .collect(Collectors.toList());
        assertThat(pages.size()).isGreaterThanOrEqualTo(20);
        for (RequestLogEntry page : pages) {
            long limit = Long.parseLong(page.query().replaceAll(".*limit=(\\d+).*", "$1"));
            assertThat(limit).isLessThanOrEqualTo(50_000);
        }
    }

    @Test
    void createTableDeclaresItAndDropTableIsRefused() throws Exception {
        writeOrders("cat_ddl", 1);
        tEnv.executeSql(
                "CREATE TABLE hd.cat_ddl.created (id BIGINT NOT NULL, v STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED)");
        assertThat(collect("SHOW TABLES FROM hd.cat_ddl"))
                .extracting(r -> r.getField(0))
                .contains("created");
        tEnv.executeSql(
                        "INSERT INTO hd.cat_ddl.created VALUES (CAST(1 AS BIGINT), 'a'),"
                                + " (CAST(2 AS BIGINT), 'b')")
                .await();
        assertThat(collect("SELECT id, v FROM hd.cat_ddl.created"))
                .extracting(r -> r.getField(0) + "|" + r.getField(1))
                .containsExactlyInAnyOrder("1|a", "2|b");
        // the key comes back as the PRIMARY KEY: a second write upserts
        tEnv.executeSql("INSERT INTO hd.cat_ddl.created VALUES (CAST(1 AS BIGINT), 'c')").await();
        assertThat(collect("SELECT id, v FROM hd.cat_ddl.created"))
                .extracting(r -> r.getField(0) + "|" + r.getField(1))
                .containsExactlyInAnyOrder("1|c", "2|b");

        assertThatThrownBy(() -> tEnv.executeSql("DROP TABLE hd.cat_ddl.created"))
                .hasStackTraceContaining("keeps its name reserved forever");
    }

    // ------------------------------------------------------------------------------------
    // keys: Hotdata's public listing has no 'key'; the catalog reads _flink_tables

    /** Writes ids 0..9 with v 'a' through a sink table with PRIMARY KEY (id). */
    private void writeKeyed(String database, String table) throws Exception {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + "_sink (id BIGINT NOT NULL, v STRING, PRIMARY KEY (id) NOT ENFORCED)"
                        + " WITH ("
                        + connection(database)
                        + ", 'table' = '"
                        + table
                        + "')");
        StringBuilder values = new StringBuilder();
        for (int id = 0; id < 10; id++) {
            values.append(id == 0 ? "" : ", ")
                    .append("(CAST(")
                    .append(id)
                    .append(" AS BIGINT), 'a')");
        }
        tEnv.executeSql("INSERT INTO " + table + "_sink VALUES " + values).await();
    }

    private CatalogBaseTable catalogTable(String database, String table) throws Exception {
        return tEnv.getCatalog("hd").get().getTable(new ObjectPath(database, table));
    }

    private List<String> primaryKey(String database, String table) throws Exception {
        return catalogTable(database, table)
                .getUnresolvedSchema()
                .getPrimaryKey()
                .map(Schema.UnresolvedPrimaryKey::getColumnNames)
                .orElse(Collections.emptyList());
    }

    private List<String> rowsOf(String database, String table) throws Exception {
        return collect("SELECT id, v FROM hd." + database + "." + table).stream()
                .map(r -> r.getField(0) + "|" + r.getField(1))
                .sorted()
                .collect(Collectors.toList());
    }

    @ParameterizedTest(name = "listingHasKey={0}")
    @ValueSource(booleans = {false, true})
    void aKeyDeclaredByTheSinkIsThePrimaryKeyAndWritesThroughTheCatalogUpsert(boolean listingHasKey)
            throws Exception {
        E2E.server().readings().listingHasKey(listingHasKey);
        String database = "cat_sinkkey_" + listingHasKey;
        writeKeyed(database, "kv");

        assertThat(primaryKey(database, "kv")).containsExactly("id");
        assertThat(collect("DESCRIBE hd." + database + ".kv"))
                .extracting(r -> r.getField(0) + " " + r.getField(1) + " " + r.getField(2))
                .contains("id BIGINT false");

        // an upsert, not an append: 10 rows stay 10 plus the one new key
        tEnv.executeSql(
                        "INSERT INTO hd."
                                + database
                                + ".kv VALUES (CAST(1 AS BIGINT), 'b'), (CAST(100 AS BIGINT), 'c')")
                .await();
        List<String> rows = rowsOf(database, "kv");
        assertThat(rows).hasSize(11).contains("1|b", "100|c").doesNotContain("1|a");
    }

    @ParameterizedTest(name = "listingHasKey={0}")
    @ValueSource(booleans = {false, true})
    void aListedKeyWinsOverARecordedOne(boolean listingHasKey) throws Exception {
        String database = "cat_keywins_" + listingHasKey;
        writeKeyed(database, "kv"); // declared with key (id), recorded so
        // another writer recorded (v) since: only a server that lists keys can overrule it
        new HotdataTableRegistry(
                        E2E.hotdata().client(), E2E.hotdata().databaseId(database), "public")
                .record(
                        new HotdataTableRegistry.Entry("kv", Arrays.asList("v"), null, null),
                        Instant.now());
        E2E.server().readings().listingHasKey(listingHasKey);
        assertThat(primaryKey(database, "kv")).containsExactly(listingHasKey ? "id" : "v");
    }

    @Test
    void theRegistryIsHiddenAndItsNameReserved() throws Exception {
        writeKeyed("cat_hidden", "kv");
        assertThat(collect("SHOW TABLES FROM hd.cat_hidden"))
                .extracting(r -> (String) r.getField(0))
                .contains("kv", "_flink_commits")
                .doesNotContain(HotdataTableRegistry.TABLE);
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "CREATE TABLE hd.cat_hidden._flink_tables (id BIGINT)"))
                .hasStackTraceContaining("reserved");
    }

    @Test
    void createTableRecordsTheKeyWhereTheListingHasNone() throws Exception {
        assertThat(E2E.server().readings().listingHasKey()).isFalse();
        writeOrders("cat_create_key", 1);
        tEnv.executeSql(
                "CREATE TABLE hd.cat_create_key.created (id BIGINT NOT NULL, v STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED)");
        assertThat(primaryKey("cat_create_key", "created")).containsExactly("id");
        tEnv.executeSql(
                        "INSERT INTO hd.cat_create_key.created VALUES (CAST(1 AS BIGINT), 'a'),"
                                + " (CAST(2 AS BIGINT), 'b')")
                .await();
        tEnv.executeSql("INSERT INTO hd.cat_create_key.created VALUES (CAST(1 AS BIGINT), 'c')")
                .await();
        assertThat(rowsOf("cat_create_key", "created")).containsExactly("1|c", "2|b");
    }

    @Test
    void alterTableAddsAKeyToATableAnotherToolCreated() throws Exception {
        // written without a key (as by another tool): nothing recorded, writes append
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE plain_sink (id BIGINT, v STRING) WITH ("
                        + connection("cat_alter")
                        + ", 'table' = 'plain')");
        tEnv.executeSql(
                        "INSERT INTO plain_sink VALUES (CAST(1 AS BIGINT), 'a'),"
                                + " (CAST(2 AS BIGINT), 'a')")
                .await();
        assertThat(primaryKey("cat_alter", "plain")).isEmpty();

        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "ALTER TABLE hd.cat_alter.plain ADD PRIMARY KEY (nope)"
                                                + " NOT ENFORCED"))
                .hasStackTraceContaining("nope");
        tEnv.executeSql("ALTER TABLE hd.cat_alter.plain ADD PRIMARY KEY (id) NOT ENFORCED");
        assertThat(primaryKey("cat_alter", "plain")).containsExactly("id");
        tEnv.executeSql("INSERT INTO hd.cat_alter.plain VALUES (CAST(1 AS BIGINT), 'b')").await();
        assertThat(rowsOf("cat_alter", "plain")).containsExactly("1|b", "2|a");

        tEnv.executeSql("ALTER TABLE hd.cat_alter.plain DROP PRIMARY KEY");
        assertThat(primaryKey("cat_alter", "plain")).isEmpty();
        tEnv.executeSql("INSERT INTO hd.cat_alter.plain VALUES (CAST(1 AS BIGINT), 'c')").await();
        assertThat(rowsOf("cat_alter", "plain")).containsExactly("1|b", "1|c", "2|a");
    }

    @Test
    void alterTableCannotOverruleAKeyTheServerReports() throws Exception {
        writeKeyed("cat_alter_listed", "kv");
        E2E.server().readings().listingHasKey(true);
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "ALTER TABLE hd.cat_alter_listed.kv MODIFY PRIMARY KEY (v)"
                                                + " NOT ENFORCED"))
                .hasStackTraceContaining("cat_alter_listed.public.kv")
                .hasStackTraceContaining("[id]");
        assertThat(primaryKey("cat_alter_listed", "kv")).containsExactly("id");
    }
}
