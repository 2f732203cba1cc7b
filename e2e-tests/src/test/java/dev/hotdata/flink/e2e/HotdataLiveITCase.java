package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.RetryPolicy;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.QueryResponse;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A subset of the e2e suite against a real Hotdata endpoint: {@code mvn -B verify -Plive} with
 * {@code HOTDATA_API_URL}, {@code HOTDATA_API_KEY} and {@code HOTDATA_WORKSPACE} set. Without a key
 * every test is skipped; outside the profile the class is skipped. Each run writes fresh databases
 * whose names start with a prefix unique to the run, and deletes them afterwards.
 */
@EnabledIfSystemProperty(named = "hotdata.live", matches = "true")
class HotdataLiveITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String PREFIX =
            "flinklive_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";

    private static String url;
    private static String key;
    private static String workspace;
    private static HotdataClient client;

    @BeforeAll
    static void connect() {
        url = setting("HOTDATA_API_URL");
        key = setting("HOTDATA_API_KEY");
        workspace = setting("HOTDATA_WORKSPACE");
        if (key == null || workspace == null) {
            return; // every test is skipped (see requireCredentials)
        }
        HotdataClientConfig.Builder config =
                HotdataClientConfig.builder()
                        .apiKey(key)
                        .workspaceId(workspace)
                        .retryPolicy(RetryPolicy.defaults());
        if (url != null) {
            config.endpoint(url);
        }
        client = new HotdataClient(config.build());
    }

    @BeforeEach
    void requireCredentials() {
        assumeTrue(client != null, "HOTDATA_API_KEY and HOTDATA_WORKSPACE are not set");
    }

    @AfterAll
    static void deleteTheRunsDatabases() throws Exception {
        if (client == null) {
            return;
        }
        try {
            for (DatabaseSummary db : client.listAllDatabases(PREFIX)) {
                if (db.name() != null && db.name().startsWith(PREFIX)) {
                    client.deleteDatabase(db.id());
                }
            }
        } finally {
            client.close();
        }
    }

    /** An environment variable the live profile lets through; null when unset or empty. */
    private static String setting(String name) {
        String value = System.getenv(name);
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    private static String connection(String database) {
        return "'connector' = 'hotdata', 'api-key' = '"
                + key
                + "', 'workspace-id' = '"
                + workspace
                + "', 'database' = '"
                + PREFIX
                + database
                + "'"
                + (url == null ? "" : ", 'endpoint' = '" + url + "'");
    }

    private static long[] aggregate(String database, String sql) throws Exception {
        String id = null;
        for (DatabaseSummary db : client.listAllDatabases(PREFIX + database)) {
            if ((PREFIX + database).equals(db.name())) {
                id = db.id();
            }
        }
        assertThat(id).as("database %s%s", PREFIX, database).isNotNull();
        QueryResponse response = client.query(id, sql);
        List<Object> row = response.rows().get(0);
        long[] values = new long[row.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i) == null ? -1 : Long.parseLong(String.valueOf(row.get(i)));
        }
        return values;
    }

    private static TableEnvironment streaming() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(2_000);
        env.setParallelism(2);
        return StreamTableEnvironment.create(env);
    }

    @Test
    void appendsExactlyTheInput() throws Exception {
        TableEnvironment tEnv = streaming();
        tEnv.executeSql(
                "CREATE TABLE src (id BIGINT NOT NULL) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',"
                        + " 'fields.id.end' = '1999', 'rows-per-second' = '1000')");
        tEnv.executeSql(
                "CREATE TABLE events (id BIGINT NOT NULL, name STRING) WITH ("
                        + connection("append")
                        + ")");
        tEnv.executeSql("INSERT INTO events SELECT id, CONCAT('n', CAST(id AS STRING)) FROM src")
                .await();
        assertThat(aggregate("append", "SELECT count(*), count(DISTINCT id), sum(id) FROM events"))
                .containsExactly(2_000, 2_000, 1_999L * 2_000 / 2);
    }

    /** An updating query whose keys are deleted when their count passes 1: upserts and deletes. */
    @Test
    void upsertsAndDeletesByKey() throws Exception {
        TableEnvironment tEnv = streaming();
        tEnv.executeSql(
                "CREATE TABLE counts (id BIGINT NOT NULL, cnt BIGINT,"
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + connection("upsert")
                        + ")");
        tEnv.executeSql(
                        "INSERT INTO counts SELECT id, cnt FROM (SELECT id, COUNT(*) AS cnt FROM"
                                + " (VALUES (1), (2), (3), (2), (4), (4), (5)) AS t(id)"
                                + " GROUP BY id) WHERE cnt < 2")
                .await();
        assertThat(aggregate("upsert", "SELECT count(*), sum(id), max(cnt) FROM counts"))
                .containsExactly(3, 1 + 3 + 5, 1);
    }

    @Test
    void insertOverwriteReplacesTheTable() throws Exception {
        TableEnvironment tEnv =
                TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode().build());
        tEnv.executeSql(
                "CREATE TABLE snap (id BIGINT NOT NULL, v STRING) WITH ("
                        + connection("replace")
                        + ")");
        tEnv.executeSql("INSERT OVERWRITE snap VALUES (1, 'a'), (2, 'b'), (3, 'c')").await();
        tEnv.executeSql("INSERT OVERWRITE snap VALUES (7, 'x'), (8, 'y')").await();
        assertThat(aggregate("replace", "SELECT count(*), sum(id) FROM snap"))
                .containsExactly(2, 15);
    }

    @Test
    void aTaskFailureMidJobEndsExact() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.enableCheckpointing(2_000);
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        FailOnce.armed.set(true);
        tEnv.createTemporarySystemFunction("fail_once", FailOnce.class);
        tEnv.executeSql(
                "CREATE TABLE src (id BIGINT NOT NULL) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',"
                        + " 'fields.id.end' = '5999', 'rows-per-second' = '1000')");
        tEnv.executeSql(
                "CREATE TABLE events (id BIGINT NOT NULL) WITH (" + connection("failover") + ")");
        tEnv.executeSql("INSERT INTO events SELECT fail_once(id) FROM src").await();
        assertThat(FailOnce.fired.get()).as("the task failure fired").isTrue();
        assertThat(aggregate("failover", "SELECT count(*), count(DISTINCT id) FROM events"))
                .containsExactly(6_000, 6_000);
    }

    @Test
    void theCatalogReadsBackWhatWasWritten() throws Exception {
        TableEnvironment tEnv = streaming();
        tEnv.executeSql(
                "CREATE TABLE src (id BIGINT NOT NULL) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '500', 'rows-per-second' = '1000')");
        tEnv.executeSql("CREATE TABLE t (id BIGINT NOT NULL) WITH (" + connection("catalog") + ")");
        tEnv.executeSql("INSERT INTO t SELECT id FROM src").await();

        TableEnvironment batch =
                TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode().build());
        batch.executeSql(
                "CREATE CATALOG hd WITH ('type' = 'hotdata', 'api-key' = '"
                        + key
                        + "', 'workspace-id' = '"
                        + workspace
                        + "'"
                        + (url == null ? "" : ", 'endpoint' = '" + url + "'")
                        + ")");
        List<Long> sums = new ArrayList<>();
        batch.executeSql(
                        "SELECT count(*), sum(id) FROM hd."
                                + (PREFIX + "catalog").toLowerCase(Locale.ROOT)
                                + ".t")
                .collect()
                .forEachRemaining(
                        r -> {
                            sums.add((Long) r.getField(0));
                            sums.add(((Number) r.getField(1)).longValue());
                        });
        assertThat(sums).containsExactly(500L, 500L * 501 / 2);
    }

    /**
     * The live listing has no table key: the catalog must find it in _flink_tables, and a write
     * through the catalog must upsert (an append would leave 5 rows).
     */
    @Test
    void theCatalogKeepsTheKeyAndWritesThroughItUpsert() throws Exception {
        TableEnvironment batch =
                TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode().build());
        batch.executeSql(
                "CREATE TABLE kv (id BIGINT NOT NULL, v STRING, PRIMARY KEY (id) NOT ENFORCED)"
                        + " WITH ("
                        + connection("catalog_key")
                        + ")");
        batch.executeSql("INSERT INTO kv VALUES (1, 'a'), (2, 'a'), (3, 'a')").await();
        batch.executeSql(
                "CREATE CATALOG hd WITH ('type' = 'hotdata', 'api-key' = '"
                        + key
                        + "', 'workspace-id' = '"
                        + workspace
                        + "'"
                        + (url == null ? "" : ", 'endpoint' = '" + url + "'")
                        + ")");
        String table = "hd." + (PREFIX + "catalog_key").toLowerCase(Locale.ROOT) + ".kv";
        batch.executeSql("INSERT INTO " + table + " VALUES (1, 'b'), (4, 'b')").await();
        assertThat(aggregate("catalog_key", "SELECT count(*), sum(id) FROM kv"))
                .containsExactly(4, 10);
        assertThat(aggregate("catalog_key", "SELECT count(*) FROM kv WHERE v = 'b'"))
                .containsExactly(2);
    }

    /** Fails its task once, after the job has run for a while; passes ids through. */
    public static class FailOnce extends org.apache.flink.table.functions.ScalarFunction {
        static final AtomicBoolean armed = new AtomicBoolean();
        static final AtomicBoolean fired = new AtomicBoolean();

        public long eval(long id) {
            if (id == 3_000 && armed.compareAndSet(true, false)) {
                fired.set(true);
                throw new IllegalStateException("injected task failure (live test)");
            }
            return id;
        }
    }
}
