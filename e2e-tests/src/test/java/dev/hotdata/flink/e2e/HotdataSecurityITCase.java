package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Key safety and isolation: the API key (a distinctive random string) never shows in logs,
 * exception messages, {@code toString()}, Flink's printed plans and configuration, or the job as
 * Flink's REST API (the web UI) shows it; plain HTTP is refused off loopback unless explicitly
 * allowed; hotdata-local refuses missing and wrong keys and keeps workspaces apart.
 */
class HotdataSecurityITCase {

    private static final String API_KEY =
            "hd_secret_" + UUID.randomUUID().toString().replace("-", "");
    private static final String WS_A = "ws_a";
    private static final String WS_B = "ws_b";

    @RegisterExtension
    static final HotdataE2eEnvironment E2E =
            HotdataE2eEnvironment.withSlots(4)
                    .withServer(b -> b.apiKey(API_KEY).workspace(WS_A).workspace(WS_B));

    private static LogCapture logs;

    @TempDir Path tmp;

    @BeforeAll
    static void captureLogs() {
        logs = LogCapture.install();
    }

    @AfterAll
    static void stopCapturing() {
        logs.close();
    }

    private static HotdataLocalServer server() {
        return E2E.server();
    }

    private static HotdataSinkBuilder<Long> sink(String database) {
        return HotdataSink.<Long>builder()
                .setEndpoint(server().endpoint())
                .setApiKey(API_KEY)
                .setWorkspaceId(WS_A)
                .setDatabase(database)
                .setTable("events")
                .setRowConverter(TestRows.ROW_TYPE, TestRows.converter())
                .setMaxRetries(3)
                .setRetryBackoff(Duration.ofMillis(100));
    }

    // ---------------------------------------------------------------- the key stays secret

    @Test
    void apiKeyNeverAppearsInLogsExceptionsPlansConfigurationOrTheRestApi(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        List<String> texts = new ArrayList<>();

        // toString() of what a user builds
        HotdataSinkBuilder<Long> builder = sink("secrets");
        HotdataSink<Long> built = builder.build();
        texts.add(builder.toString());
        texts.add(built.toString());

        // a DataStream job whose first load is refused by a server that echoes the key in its
        // error code: the job recovers, the failure is logged and kept in the exception history
        server().faults().failNext(1, "POST", ".*/tables/events/loads", 400, null, API_KEY);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index,
                                1_000,
                                RateLimiterStrategy.perSecond(1_000),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids")
                .sinkTo(built);
        texts.add(env.getExecutionPlan());
        texts.add(env.getConfiguration().toString());
        texts.add(env.getConfig().toString());
        JobClient dataStreamJob = env.executeAsync("secrets datastream");
        dataStreamJob.getJobExecutionResult().get();

        // a SQL job with the key in its WITH options
        StreamTableEnvironment sql = StreamTableEnvironment.create(env);
        sql.executeSql(
                "CREATE TABLE secret_sink (id BIGINT, name STRING) WITH ("
                        + " 'connector' = 'hotdata', 'endpoint' = '"
                        + server().endpoint()
                        + "', 'api-key' = '"
                        + API_KEY
                        + "', 'workspace-id' = '"
                        + WS_A
                        + "', 'database' = 'secrets_sql', 'table' = 't')");
        String insert = "INSERT INTO secret_sink VALUES (1, 'a'), (2, 'b'), (3, 'c')";
        texts.add(sql.explainSql(insert));
        texts.add(sql.getConfig().getConfiguration().toString());
        TableResult sqlResult = sql.executeSql(insert);
        JobID sqlJob = sqlResult.getJobClient().get().getJobID();
        sqlResult.await();

        // a job that fails: its exception must not carry the key either
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index, 10, RateLimiterStrategy.perSecond(100), Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids")
                .sinkTo(sink("secrets").setWorkspaceId("ws_unknown").build());
        JobClient failing = env.executeAsync("secrets failing");
        String failure =
                ReliabilityChecks.describe(
                        ReliabilityChecks.awaitFailure(failing, Duration.ofSeconds(60)));
        assertThat(failure).contains("Hotdata does not know workspace 'ws_unknown'");
        texts.add(failure);

        // the jobs as Flink's REST API (and so its web UI) shows them
        String web = cluster.getWebInterfaceURL();
        List<String> paths = new ArrayList<>(Arrays.asList("/jobmanager/config", "/overview"));
        for (JobID job : Arrays.asList(dataStreamJob.getJobID(), sqlJob, failing.getJobID())) {
            for (String p :
                    Arrays.asList(
                            "",
                            "/config",
                            "/plan",
                            "/exceptions",
                            "/jobmanager/config",
                            "/checkpoints/config")) {
                paths.add("/jobs/" + job + p);
            }
        }
        String restExceptions = null;
        for (String path : paths) {
            String body = get(web + path);
            texts.add(body);
            if (path.equals("/jobs/" + dataStreamJob.getJobID() + "/exceptions")) {
                restExceptions = body;
            }
        }
        // the failure with the echoed key is there, redacted
        assertThat(restExceptions).contains("HTTP 400").contains("****");

        // the logs of all of it (Flink, the connector, hotdata-local)
        String probe = "probe-" + UUID.randomUUID();
        LoggerFactory.getLogger("dev.hotdata.flink.e2e.probe").trace(probe);
        String logText = logs.text();
        assertThat(logText)
                .as("the capture saw TRACE events of the connector's loggers, and its INFO logs")
                .contains(probe)
                .contains("Published checkpoint")
                .contains("Hotdata refused to publish checkpoint");
        texts.add(logText);

        for (String text : texts) {
            assertThat(text).doesNotContain(API_KEY);
        }
        try (HotdataClient a = ReliabilityChecks.client(server().endpoint(), API_KEY, WS_A)) {
            ReliabilityChecks.assertTestRows(
                    a, ReliabilityChecks.databaseId(a, "secrets"), "events", 0, 1_000);
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        return response.body();
    }

    // ---------------------------------------------------------------- TLS by default

    @Test
    void plainHttpToANonLoopbackHostIsRefusedUnlessExplicitlyAllowed() {
        for (String endpoint :
                Arrays.asList(
                        "http://api.example.com",
                        "http://10.0.0.5:8080",
                        "http://localhost.example.com",
                        "http://127.0.0.1.nip.io")) {
            assertThatThrownBy(() -> sink("tls").setEndpoint(endpoint).build())
                    .as(endpoint)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain http to a non-loopback host")
                    .hasMessageNotContaining(API_KEY);
            assertThatCode(() -> sink("tls").setEndpoint(endpoint).setAllowPlainHttp(true).build())
                    .as(endpoint + " explicitly allowed")
                    .doesNotThrowAnyException();
        }
        for (String endpoint :
                Arrays.asList(
                        "https://api.example.com",
                        "http://127.0.0.1:8787",
                        "http://127.8.9.10:8787",
                        "http://[::1]:8787",
                        "http://localhost:8787")) {
            assertThatCode(() -> sink("tls").setEndpoint(endpoint).build())
                    .as(endpoint)
                    .doesNotThrowAnyException();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(1_000);
        StreamTableEnvironment sql = StreamTableEnvironment.create(env);
        sql.executeSql(
                "CREATE TABLE plain (id BIGINT) WITH ('connector' = 'hotdata',"
                        + " 'endpoint' = 'http://api.example.com', 'api-key' = '"
                        + API_KEY
                        + "', 'workspace-id' = 'ws')");
        assertThatThrownBy(() -> sql.explainSql("INSERT INTO plain VALUES (1)"))
                .rootCause()
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining(
                        "Invalid 'hotdata' table default_catalog.default_database.plain")
                .hasMessageContaining("plain http to a non-loopback host (api.example.com)")
                .hasMessageNotContaining(API_KEY);
        sql.executeSql(
                "CREATE TABLE allowed (id BIGINT) WITH ('connector' = 'hotdata',"
                        + " 'endpoint' = 'http://api.example.com', 'allow-plain-http' = 'true',"
                        + " 'api-key' = 'k', 'workspace-id' = 'ws')");
        assertThat(sql.explainSql("INSERT INTO allowed VALUES (1)")).contains("allowed");
    }

    // ---------------------------------------------------------------- hotdata-local

    @Test
    void hotdataLocalRefusesMissingAndWrongKeys() throws Exception {
        String url = server().endpoint() + "/v1/databases";
        assertThat(status(url, null, WS_A)).as("no key").isEqualTo(401);
        assertThat(status(url, "hd_not_the_key", WS_A)).as("wrong key").isEqualTo(401);
        assertThat(status(url, API_KEY.substring(0, API_KEY.length() - 1), WS_A))
                .as("a prefix of the key")
                .isEqualTo(401);
        assertThat(status(url, API_KEY, null)).as("no workspace").isEqualTo(404);
        assertThat(status(url, API_KEY, "ws_c")).as("unknown workspace").isEqualTo(404);
        assertThat(status(url, API_KEY, WS_A)).as("key and workspace").isEqualTo(200);
    }

    private static int status(String url, String key, String workspace) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (workspace != null) {
            request.header("X-Workspace-Id", workspace);
        }
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void workspacesAreKeptApart() throws Exception {
        // the same database name written by sinks in two workspaces: two databases, apart
        runJob(sink("shared").setWorkspaceId(WS_A), 300);
        runJob(sink("shared").setWorkspaceId(WS_B), 200);
        try (HotdataClient a = ReliabilityChecks.client(server().endpoint(), API_KEY, WS_A);
                HotdataClient b = ReliabilityChecks.client(server().endpoint(), API_KEY, WS_B)) {
            String dbA = ReliabilityChecks.databaseId(a, "shared");
            String dbB = ReliabilityChecks.databaseId(b, "shared");
            assertThat(dbA).isNotEqualTo(dbB);
            ReliabilityChecks.assertTestRows(a, dbA, "events", 0, 300);
            ReliabilityChecks.assertTestRows(b, dbB, "events", 0, 200);

            // nothing of one workspace is reachable from the other
            assertThat(b.listAllDatabases(null)).noneMatch(d -> d.id().equals(dbA));
            assertThatThrownBy(() -> b.getDatabase(dbA))
                    .isInstanceOf(HotdataException.class)
                    .satisfies(e -> assertThat(((HotdataException) e).statusCode()).isEqualTo(404));
            assertThatThrownBy(() -> b.query(dbA, "SELECT count(*) FROM public.events"))
                    .isInstanceOf(HotdataException.class)
                    .satisfies(e -> assertThat(((HotdataException) e).statusCode()).isEqualTo(404));

            // an upload made in one workspace cannot be loaded from the other
            Path csv = tmp.resolve("rows.csv");
            Files.write(csv, "id,name\n1,x\n".getBytes(StandardCharsets.UTF_8));
            FinalizedUpload upload = a.uploadFile(csv, "text/csv");
            String other =
                    b.createDatabase(CreateDatabaseRequest.builder().name("other").build()).id();
            assertThatThrownBy(
                            () ->
                                    b.load(
                                            other,
                                            "public",
                                            "stolen",
                                            LoadRequest.builder()
                                                    .mode(LoadMode.APPEND)
                                                    .uploadId(upload.uploadId())
                                                    .build()))
                    .isInstanceOf(HotdataException.class)
                    .hasMessageContaining("UPLOAD_NOT_FOUND");
        }
    }

    private static void runJob(HotdataSinkBuilder<Long> sink, long rows) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index,
                                rows,
                                RateLimiterStrategy.perSecond(10_000),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids")
                .sinkTo(sink.build());
        env.execute("workspace job");
    }
}
