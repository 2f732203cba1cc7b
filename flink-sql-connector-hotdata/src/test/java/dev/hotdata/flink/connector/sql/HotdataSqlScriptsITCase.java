package dev.hotdata.flink.connector.sql;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQL scripts run through the shaded jar on a stock Flink classpath (no Hadoop, none of the
 * connector's dependencies) against hotdata-local, each checked by querying Hotdata.
 */
class HotdataSqlScriptsITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private static HotdataClient client;

    @BeforeAll
    static void connect() {
        HotdataLocalServer server = HOTDATA.server();
        client =
                new HotdataClient(
                        HotdataClientConfig.builder()
                                .endpoint(server.endpoint())
                                .apiKey(server.apiKey())
                                .workspaceId(server.workspaceId())
                                .build());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static List<List<Object>> query(String database, String sql) throws Exception {
        List<DatabaseSummary> matches =
                client.listAllDatabases(database).stream()
                        .filter(d -> d.name().equals(database))
                        .collect(Collectors.toList());
        assertThat(matches).as("databases named %s", database).hasSize(1);
        QueryResponse response = client.query(matches.get(0).id(), sql);
        return response.rows();
    }

    private static List<String> strings(List<Object> row) {
        List<String> out = new ArrayList<>();
        for (Object value : row) {
            out.add(value == null ? null : String.valueOf(value));
        }
        return out;
    }

    @Test
    void append() throws Exception {
        HotdataSqlScripts.run("append", HOTDATA.server());
        assertThat(
                        strings(
                                query(
                                                "sql_script_append",
                                                "SELECT count(*), count(DISTINCT id), sum(id),"
                                                        + " sum(CASE WHEN name = 'name-' ||"
                                                        + " CAST(id AS VARCHAR) AND amount ="
                                                        + " CAST((id * 7) % 100000 AS"
                                                        + " DECIMAL(12,2)) / 100 THEN 1 ELSE 0"
                                                        + " END) FROM public.events")
                                        .get(0)))
                .containsExactly("1000", "1000", "499500", "1000");
    }

    @Test
    void upsertFromAnUpdatingQueryWithDeletes() throws Exception {
        HotdataSqlScripts.run("upsert", HOTDATA.server());
        List<List<Object>> rows =
                query("sql_script_upsert", "SELECT k, c, m FROM public.counts ORDER BY k");
        List<String> expected = new ArrayList<>();
        for (long k = 50; k < 100; k++) {
            expected.add(k + "|29|" + (2800 + k));
        }
        assertThat(rows)
                .extracting(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2))
                .containsExactlyElementsOf(expected);
        // deletes were sent as delete loads
        assertThat(HOTDATA.server().requestLog().matching("POST", ".*/tables/counts/loads").size())
                .isGreaterThan(1);
    }

    @Test
    void insertOnlyKeepsExistingKeys() throws Exception {
        HotdataSqlScripts.run("insert_only", HOTDATA.server());
        assertThat(
                        strings(
                                query(
                                                "sql_script_insert_only",
                                                "SELECT count(*), count(DISTINCT id),"
                                                        + " sum(CASE WHEN name = 'first' THEN 1"
                                                        + " ELSE 0 END), min(id), max(id)"
                                                        + " FROM public.kv")
                                        .get(0)))
                .containsExactly("150", "150", "100", "0", "149");
    }

    @Test
    void insertOverwriteIsAtomicForAConcurrentReader() throws Exception {
        HotdataSqlScripts.run("overwrite_old", HOTDATA.server());
        assertThat(versions()).isEqualTo("300|old");

        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] whileStaging = new int[1];
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                while (!done.get()) {
                                    boolean staging =
                                            HOTDATA.server()
                                                            .requestLog()
                                                            .count(
                                                                    "POST",
                                                                    ".*/tables/_flink_stage_.*/loads")
                                                    > 1;
                                    String state = versions();
                                    seen.add(state);
                                    if (staging && state.endsWith("old")) {
                                        whileStaging[0]++;
                                    }
                                }
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        },
                        "reader");
        reader.start();
        try {
            HotdataSqlScripts.run("overwrite_new", HOTDATA.server());
        } finally {
            done.set(true);
            reader.join(30_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(versions()).isEqualTo("4000|new");
        assertThat(seen).isNotEmpty().allMatch(s -> s.equals("300|old") || s.equals("4000|new"));
        assertThat(whileStaging[0]).as("reads while rows were being staged").isPositive();
    }

    private static String versions() throws Exception {
        List<Object> row =
                query(
                                "sql_script_overwrite",
                                "SELECT count(*), count(DISTINCT version), min(version)"
                                        + " FROM public.versions")
                        .get(0);
        assertThat(String.valueOf(row.get(1))).isEqualTo("1");
        return row.get(0) + "|" + row.get(2);
    }

    @Test
    void aStatementSetIntoThreeTablesOfOneDatabase() throws Exception {
        int before = HOTDATA.server().requestLog().entries().size();
        HotdataSqlScripts.run("statement_set", HOTDATA.server());
        for (String table : new String[] {"t1", "t2", "t3"}) {
            assertThat(
                            strings(
                                    query(
                                                    "sql_script_multi",
                                                    "SELECT count(*), count(DISTINCT id), sum(id)"
                                                            + " FROM public."
                                                            + table)
                                            .get(0)))
                    .as(table)
                    .containsExactly("1500", "1500", "1124250");
        }
        assertThat(
                        HOTDATA.server().requestLog().entries().stream()
                                .skip(before)
                                .filter(r -> "RESOURCE_LOCKED".equals(r.errorCode())))
                .isEmpty();
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        HotdataSqlScripts.run("types", HOTDATA.server());
        List<List<Object>> rows =
                query(
                        "sql_script_types",
                        "SELECT CAST(b AS VARCHAR), CAST(t AS VARCHAR), CAST(s AS VARCHAR),"
                                + " CAST(i AS VARCHAR), CAST(f AS VARCHAR), CAST(d AS VARCHAR),"
                                + " CAST(dec5 AS VARCHAR), CAST(dec18 AS VARCHAR),"
                                + " CAST(dec38 AS VARCHAR), str, hex(bin),"
                                + " CAST(day AS VARCHAR), CAST(tm AS VARCHAR),"
                                + " CAST(ts AS VARCHAR), CAST(epoch_ms(ltz) AS VARCHAR),"
                                + " CAST(arr AS VARCHAR), CAST(mp['k'] AS VARCHAR),"
                                + " CAST(rw.a AS VARCHAR), rw.b"
                                + " FROM public.all_types ORDER BY id");
        assertThat(rows).hasSize(2);
        assertThat(strings(rows.get(0)))
                .containsExactly(
                        "true",
                        "-128",
                        "32767",
                        "-2147483648",
                        "1.5",
                        "-2.25",
                        "-999.99",
                        "12345678901234.5678",
                        "-1234567890123456789012345678.0123456789",
                        "h\u00e9llo, \"world\"",
                        "00FF7F",
                        "1900-01-01",
                        "13:05:07.25",
                        "1969-07-20 20:17:40.123456",
                        "1700000000123",
                        "[1, NULL, 3]",
                        "7",
                        "5",
                        "x");
        assertThat(rows.get(1)).containsOnlyNulls();
    }
}
