package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.DatabasePage;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.InformationSchemaPage;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.LoadResult;
import dev.hotdata.flink.connector.client.model.PartitionKey;
import dev.hotdata.flink.connector.client.model.QueryRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.ResultPage;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.SortKey;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.client.model.TableInfo;
import dev.hotdata.flink.connector.client.model.UploadSession;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.fault.RequestLogEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every client call against hotdata-local over real HTTP, including errors and retries. */
class HotdataClientITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    @TempDir Path dir;

    private HotdataLocalServer server;
    private HotdataClient client;
    private int logStart;

    @BeforeEach
    void connect() {
        server = HOTDATA.server();
        client = new HotdataClient(config(fastRetries()).build());
        logStart = server.requestLog().entries().size();
    }

    @AfterEach
    void disconnect() {
        server.faults().clear();
        client.close();
    }

    private HotdataClientConfig.Builder config(RetryPolicy retries) {
        return HotdataClientConfig.builder()
                .endpoint(server.endpoint())
                .apiKey(server.apiKey())
                .workspaceId(server.workspaceId())
                .retryPolicy(retries);
    }

    private static RetryPolicy fastRetries() {
        return RetryPolicy.builder()
                .maxRetries(5)
                .initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(500))
                .build();
    }

    private String newDatabase() throws HotdataException {
        return client.createDatabase(
                        CreateDatabaseRequest.builder().name("db_" + UUID.randomUUID()).build())
                .id();
    }

    /** A Parquet file of ids 0..rows-1 with an incompressible text column, made by DuckDB. */
    private Path parquet(String name, long from, long rows) throws Exception {
        Path file = dir.resolve(name + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute(
                    "COPY (SELECT range AS id, md5(CAST(range AS VARCHAR)) AS s FROM range("
                            + from
                            + ", "
                            + (from + rows)
                            + ")) TO '"
                            + file
                            + "' (FORMAT parquet, COMPRESSION uncompressed)");
        }
        return file;
    }

    private long scalar(String databaseId, String sql) throws HotdataException {
        QueryResponse response = client.query(databaseId, sql);
        return Long.parseLong(String.valueOf(response.rows().get(0).get(0)));
    }

    private List<RequestLogEntry> requests(String method, String pathRegex) {
        return server.requestLog().entries().stream()
                .skip(logStart)
                .filter(r -> r.method().equals(method) && r.path().matches(pathRegex))
                .collect(Collectors.toList());
    }

    private static LoadRequest upload(LoadMode mode, String uploadId) {
        return LoadRequest.builder().mode(mode).uploadId(uploadId).build();
    }

    @Test
    void databasesAreCreatedListedPagedAndDeleted() throws Exception {
        String prefix = "paged_" + UUID.randomUUID().toString().substring(0, 8);
        DatabaseInfo first =
                client.createDatabase(
                        CreateDatabaseRequest.builder()
                                .name(prefix + "_a")
                                .schemas(
                                        Collections.singletonList(
                                                SchemaDeclaration.of(
                                                        "sales", TableDeclaration.of("orders"))))
                                .build());
        client.createDatabase(CreateDatabaseRequest.builder().name(prefix + "_b").build());
        assertThat(first.id()).isNotBlank();
        assertThat(first.defaultConnectionId()).isNotBlank();
        assertThat(client.getDatabase(first.id()).name()).isEqualTo(prefix + "_a");

        DatabasePage page = client.listDatabases(prefix.toUpperCase(), 1, null);
        assertThat(page.databases()).hasSize(1);
        assertThat(page.hasMore()).isTrue();
        assertThat(client.listAllDatabases(prefix))
                .extracting(d -> d.name())
                .containsExactlyInAnyOrder(prefix + "_a", prefix + "_b");

        client.deleteDatabase(first.id());
        assertThatThrownBy(() -> client.getDatabase(first.id()))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(404);
                            assertThat(e.isTransient()).isFalse();
                        });
    }

    @Test
    void schemasAndTablesAreDeclaredAndTombstoned() throws Exception {
        String db = newDatabase();
        DatabaseInfo info = client.getDatabase(db);
        assertThat(client.addSchema(db, SchemaDeclaration.of("Sales")).schema()).isEqualTo("sales");
        TableDeclaration orders =
                TableDeclaration.builder("Orders")
                        .key("id")
                        .partitionBy(Collections.singletonList(PartitionKey.of("day", "month")))
                        .sortedBy(Collections.singletonList(SortKey.of("id")))
                        .build();
        assertThat(client.addTable(db, "sales", orders).table()).isEqualTo("orders");
        assertThatThrownBy(() -> client.addTable(db, "sales", orders))
                .isInstanceOfSatisfying(
                        HotdataException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
        assertThatThrownBy(() -> client.addTable(db, "bad-schema", TableDeclaration.of("t")))
                .isInstanceOfSatisfying(
                        HotdataException.class, e -> assertThat(e.statusCode()).isIn(400, 404));

        InformationSchemaPage tables =
                client.informationSchema(
                        InformationSchemaRequest.builder()
                                .connectionId(info.defaultConnectionId())
                                .schema("sales")
                                .build());
        TableInfo table = tables.tables().get(0);
        assertThat(table.table()).isEqualTo("orders");
        assertThat(table.synced()).isFalse();
        assertThat(table.partitionBy()).containsExactly(PartitionKey.of("day", "month"));

        client.deleteTable(info.defaultConnectionId(), "sales", "orders");
        assertThatThrownBy(() -> client.addTable(db, "sales", orders))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(409);
                            assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.TABLE_DELETED);
                        });
        String uploadId = client.uploadFile(parquet("t", 0, 3), "application/parquet").uploadId();
        assertThatThrownBy(
                        () -> client.load(db, "sales", "orders", upload(LoadMode.APPEND, uploadId)))
                .isInstanceOfSatisfying(
                        HotdataException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void everyLoadModeAppliesAndAnUploadIsClaimedOnce() throws Exception {
        String db = newDatabase();
        client.addSchema(
                db,
                SchemaDeclaration.of("public", TableDeclaration.builder("t").key("id").build()));

        FinalizedUpload first = client.uploadFile(parquet("a", 0, 100), "application/parquet");
        assertThat(
                        client.load(db, "public", "t", upload(LoadMode.REPLACE, first.uploadId()))
                                .rowCount())
                .isEqualTo(100);
        // re-sent: the server replays the first load's result and applies nothing ...
        assertThat(
                        client.load(db, "public", "t", upload(LoadMode.APPEND, first.uploadId()))
                                .rowCount())
                .isEqualTo(100);
        assertThat(scalar(db, "SELECT count(*) FROM public.t")).isEqualTo(100);
        // ... or, under the other reading, refuses it with a terminal 409
        server.readings().uploadReuse(UploadReuse.CONFLICT);
        try {
            assertThatThrownBy(
                            () ->
                                    client.load(
                                            db,
                                            "public",
                                            "t",
                                            upload(LoadMode.APPEND, first.uploadId())))
                    .isInstanceOfSatisfying(
                            HotdataException.class,
                            e -> {
                                assertThat(e.statusCode()).isEqualTo(409);
                                assertThat(e.isTransient()).isFalse();
                            });
        } finally {
            server.readings().reset();
        }
        assertThat(scalar(db, "SELECT count(*) FROM public.t")).isEqualTo(100);

        String more = client.uploadFile(parquet("b", 100, 50), "application/parquet").uploadId();
        assertThat(client.load(db, "public", "t", upload(LoadMode.APPEND, more)).rowCount())
                .isEqualTo(150);
        String overlap = client.uploadFile(parquet("c", 140, 20), "application/parquet").uploadId();
        LoadResult upserted =
                client.load(
                        db,
                        "public",
                        "t",
                        LoadRequest.builder()
                                .mode(LoadMode.UPSERT)
                                .uploadId(overlap)
                                .key("id")
                                .build());
        assertThat(upserted.rowCount()).isEqualTo(160);
        String deletes = client.uploadFile(parquet("d", 0, 10), "application/parquet").uploadId();
        assertThat(
                        client.load(
                                        db,
                                        "public",
                                        "t",
                                        LoadRequest.builder()
                                                .mode(LoadMode.DELETE)
                                                .uploadId(deletes)
                                                .async(true)
                                                .asyncAfterMs(1000)
                                                .build())
                                .rowCount())
                .isEqualTo(150);
        assertThat(scalar(db, "SELECT min(id) FROM public.t")).isEqualTo(10);
        assertThat(scalar(db, "SELECT count(DISTINCT id) FROM default.public.t")).isEqualTo(150);
    }

    @Test
    void keyModesNeedAKeyAndFailedLoadsDoNotConsume() throws Exception {
        String db = newDatabase();
        String uploadId = client.uploadFile(parquet("k", 0, 5), "application/parquet").uploadId();
        assertThatThrownBy(
                        () -> client.load(db, "public", "nokey", upload(LoadMode.UPSERT, uploadId)))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isBetween(400, 499);
                            assertThat(HotdataErrorCodes.isNoDeclaredKey(e)).isTrue();
                        });
        // the failed load did not consume the upload
        assertThat(client.load(db, "public", "nokey", upload(LoadMode.APPEND, uploadId)).rowCount())
                .isEqualTo(5);
    }

    @Test
    void largeFilesAndStreamsUploadInParts() throws Exception {
        String db = newDatabase();
        Path big = parquet("big", 0, 400_000); // over 8 MiB: streamed multipart
        assertThat(Files.size(big)).isGreaterThan(8L * 1024 * 1024);
        FinalizedUpload fromFile = client.uploadFile(big, "application/parquet");
        assertThat(fromFile.sizeBytes()).isEqualTo(Files.size(big));
        FinalizedUpload fromStream;
        try (InputStream in = Files.newInputStream(big)) {
            fromStream = client.uploadStream(in, "application/parquet");
        }
        assertThat(requests("POST", "/v1/uploads/[^/]+/parts")).isNotEmpty();
        assertThat(requests("PUT", ".*").size()).isGreaterThanOrEqualTo(4);

        client.load(db, "public", "big", upload(LoadMode.APPEND, fromFile.uploadId()));
        client.load(db, "public", "big", upload(LoadMode.APPEND, fromStream.uploadId()));
        assertThat(scalar(db, "SELECT count(*) FROM public.big")).isEqualTo(800_000);
    }

    @Test
    void finalizeRunsOnceAndIsNeverRetried() throws Exception {
        byte[] data = Files.readAllBytes(parquet("once", 0, 10));
        UploadSession session =
                client.createUpload(
                        dev.hotdata.flink.connector.client.model.CreateUploadRequest.builder()
                                .declaredSizeBytes((long) data.length)
                                .contentType("application/parquet")
                                .build());
        assertThat(session.isSingle()).isTrue();
        client.putToStorage(session.url(), session.headers(), data, 0, data.length);
        client.finalizeUpload(session.uploadId(), session.finalizeToken(), Collections.emptyList());
        assertThatThrownBy(
                        () ->
                                client.finalizeUpload(
                                        session.uploadId(),
                                        session.finalizeToken(),
                                        Collections.emptyList()))
                .isInstanceOfSatisfying(
                        HotdataException.class, e -> assertThat(e.statusCode()).isEqualTo(400));

        UploadSession failing =
                client.createUpload(
                        dev.hotdata.flink.connector.client.model.CreateUploadRequest.builder()
                                .declaredSizeBytes((long) data.length)
                                .build());
        client.putToStorage(failing.url(), failing.headers(), data, 0, data.length);
        server.faults().failNext(1, "POST", "/v1/uploads/[^/]+/finalize", 503, null, null);
        int before = requests("POST", "/v1/uploads/[^/]+/finalize").size();
        assertThatThrownBy(
                        () ->
                                client.finalizeUpload(
                                        failing.uploadId(),
                                        failing.finalizeToken(),
                                        Collections.emptyList()))
                .isInstanceOf(HotdataException.class);
        assertThat(requests("POST", "/v1/uploads/[^/]+/finalize")).hasSize(before + 1);
    }

    @Test
    void inlineDataHonoursIdempotencyKeysAndTheSizeLimit() throws Exception {
        String db = newDatabase();
        LoadRequest inline =
                LoadRequest.builder()
                        .mode(LoadMode.APPEND)
                        .data("id,name\n1,a\n2,b\n")
                        .columns(
                                new java.util.LinkedHashMap<String, String>() {
                                    {
                                        put("id", "BIGINT");
                                        put("name", "VARCHAR");
                                    }
                                })
                        .idempotencyKey("once")
                        .build();
        client.load(db, "public", "inline", inline);
        client.load(db, "public", "inline", inline);
        assertThat(scalar(db, "SELECT count(*) FROM public.inline")).isEqualTo(2);

        char[] big = new char[3 * 1024 * 1024];
        Arrays.fill(big, 'x');
        assertThatThrownBy(
                        () ->
                                client.load(
                                        db,
                                        "public",
                                        "inline",
                                        LoadRequest.builder()
                                                .mode(LoadMode.APPEND)
                                                .data("v\n" + new String(big) + "\n")
                                                .build()))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(413);
                            assertThat(e.errorCode())
                                    .isEqualTo(HotdataErrorCodes.INLINE_DATA_TOO_LARGE);
                        });
    }

    @Test
    void queriesResultsAndQueryRuns() throws Exception {
        String db = newDatabase();
        client.load(
                db,
                "public",
                "q",
                upload(
                        LoadMode.APPEND,
                        client.uploadFile(parquet("q", 0, 1000), "application/parquet")
                                .uploadId()));
        QueryResponse response =
                client.query(
                        db, QueryRequest.of("SELECT id FROM public.q WHERE id < 25 ORDER BY id"));
        assertThat(response.rows()).hasSize(25);
        assertThat(response.resultId()).isNotBlank();
        ResultPage page = client.awaitResult(db, response.resultId(), Duration.ofSeconds(30));
        assertThat(page.isReady()).isTrue();
        assertThat(page.rows()).hasSize(25);
        ResultPage slice = client.getResult(db, response.resultId(), 20, 10);
        assertThat(slice.rows()).hasSize(5);
        assertThat(slice.totalRowCount()).isEqualTo(25);
        assertThat(client.getQueryRun(db, response.queryRunId()).status()).isNotBlank();

        assertThatThrownBy(() -> client.query(db, "DELETE FROM public.q"))
                .isInstanceOfSatisfying(
                        HotdataException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> client.query(db, "SELECT * FROM missing"))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> assertThat(e.serverMessage()).contains("not found"));
    }

    @Test
    void badCredentialsAreTerminalAndNeverEchoTheKey() {
        String wrongKey = "hd_wrong_" + UUID.randomUUID();
        try (HotdataClient wrong =
                new HotdataClient(config(fastRetries()).apiKey(wrongKey).build())) {
            assertThatThrownBy(() -> wrong.listDatabases(null, null, null))
                    .isInstanceOfSatisfying(
                            HotdataException.class,
                            e -> {
                                assertThat(e.statusCode()).isEqualTo(401);
                                assertThat(e.isTransient()).isFalse();
                                assertThat(e.toString()).doesNotContain(wrongKey);
                            });
        }
        try (HotdataClient otherWorkspace =
                new HotdataClient(config(fastRetries()).workspaceId("ws_nobody").build())) {
            assertThatThrownBy(() -> otherWorkspace.listDatabases(null, null, null))
                    .isInstanceOfSatisfying(
                            HotdataException.class, e -> assertThat(e.statusCode()).isIn(403, 404));
        }
    }

    @Test
    void retriesHonourRetryAfterAndStopOnTerminalErrors() throws Exception {
        String db = newDatabase();
        server.faults().failNext(1, "GET", "/v1/databases/" + db, 429, 1, "OVERLOADED");
        long start = System.nanoTime();
        client.getDatabase(db);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(requests("GET", "/v1/databases/" + db)).hasSize(2);

        server.faults().failNext(2, "GET", "/v1/databases/" + db, 503, null, null);
        client.getDatabase(db);
        assertThat(requests("GET", "/v1/databases/" + db)).hasSize(5);

        server.faults().failNext(1, "GET", "/v1/databases/" + db, 400, null, "BAD_REQUEST");
        assertThatThrownBy(() -> client.getDatabase(db)).isInstanceOf(HotdataException.class);
        assertThat(requests("GET", "/v1/databases/" + db)).hasSize(6);
    }

    @Test
    void retriesStopAtTheDeadline() throws Exception {
        String db = newDatabase();
        server.faults().failNext(100, "GET", "/v1/databases/" + db, 503, null, null);
        try (HotdataClient limited =
                new HotdataClient(
                        config(
                                        RetryPolicy.builder()
                                                .maxRetries(100)
                                                .initialBackoff(Duration.ofMillis(100))
                                                .maxBackoff(Duration.ofMillis(200))
                                                .deadline(Duration.ofSeconds(1))
                                                .build())
                                .build())) {
            assertThatThrownBy(() -> limited.getDatabase(db))
                    .isInstanceOfSatisfying(
                            HotdataException.class,
                            e -> {
                                assertThat(e.statusCode()).isEqualTo(503);
                                assertThat(e.getMessage()).containsIgnoringCase("deadline");
                            });
        }
        assertThat(requests("GET", "/v1/databases/" + db).size()).isBetween(2, 20);
    }

    @Test
    void lockedDatabasesAreRetriedAndLostResponsesAreReplayed() throws Exception {
        String db = newDatabase();
        String uploadId = client.uploadFile(parquet("l", 0, 7), "application/parquet").uploadId();
        server.faults().holdLock(db, Duration.ofMillis(600));
        client.load(db, "public", "l", upload(LoadMode.APPEND, uploadId));
        assertThat(requests("POST", ".*/tables/l/loads").stream().filter(r -> r.status() == 409))
                .isNotEmpty();

        String second = client.uploadFile(parquet("l2", 7, 3), "application/parquet").uploadId();
        server.faults().dropAfterApply(1, "POST", ".*/tables/l/loads");
        // the retry after the lost answer is answered with the applied load's result
        assertThat(client.load(db, "public", "l", upload(LoadMode.APPEND, second)).rowCount())
                .isEqualTo(10);
        assertThat(server.requestLog().countReplayed("POST", ".*/tables/l/loads")).isEqualTo(1);
        assertThat(scalar(db, "SELECT count(*) FROM public.l")).isEqualTo(10);
    }

    @Test
    void dataSurvivesAServerRestart() throws Exception {
        String db = newDatabase();
        client.load(
                db,
                "public",
                "r",
                upload(
                        LoadMode.APPEND,
                        client.uploadFile(parquet("r", 0, 42), "application/parquet").uploadId()));
        server.restart();
        assertThat(client.getDatabase(db).id()).isEqualTo(db);
        assertThat(scalar(db, "SELECT count(*) FROM public.r")).isEqualTo(42);
    }
}
