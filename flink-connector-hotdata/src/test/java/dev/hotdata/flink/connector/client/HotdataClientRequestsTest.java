package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CompletedPart;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.CreateUploadRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.DatabasePage;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.InformationSchemaPage;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.JobStatus;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.LoadResult;
import dev.hotdata.flink.connector.client.model.ManagedSchemaInfo;
import dev.hotdata.flink.connector.client.model.ManagedTableInfo;
import dev.hotdata.flink.connector.client.model.PartUrl;
import dev.hotdata.flink.connector.client.model.PartitionKey;
import dev.hotdata.flink.connector.client.model.QueryRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.QueryRunInfo;
import dev.hotdata.flink.connector.client.model.ResultPage;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.SortKey;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.client.model.TableInfo;
import dev.hotdata.flink.connector.client.model.UploadSession;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every call's exact request (method, path, headers, JSON body) and its response mapping. */
class HotdataClientRequestsTest extends MockHotdata {

    @Test
    void createDatabaseSendsSnakeCaseBodyAndMapsAnswer() throws Exception {
        server.enqueue(
                json(
                        201,
                        "{\"id\":\"db_1\",\"name\":\"sales\",\"default_catalog\":\"default\","
                                + "\"default_connection_id\":\"conn_1\",\"default_schema\":\"public\","
                                + "\"expires_at\":null,\"brand_new_field\":{\"x\":1}}"));
        TableDeclaration orders =
                TableDeclaration.builder("orders")
                        .key("id")
                        .partitionBy(
                                Arrays.asList(
                                        PartitionKey.of("ts", "year"),
                                        PartitionKey.of("ts", "month")))
                        .sortedBy(Collections.singletonList(new SortKey("id", "asc", "last")))
                        .build();
        DatabaseInfo db =
                client.createDatabase(
                        CreateDatabaseRequest.builder()
                                .name("sales")
                                .defaultSchema("public")
                                .expiresAt("24h")
                                .schemas(
                                        Collections.singletonList(
                                                SchemaDeclaration.of("public", orders)))
                                .build());

        assertThat(db.id()).isEqualTo("db_1");
        assertThat(db.defaultConnectionId()).isEqualTo("conn_1");
        assertThat(db.defaultSchema()).isEqualTo("public");
        assertThat(db.expiresAt()).isNull();
        assertThat(db.attachments()).isEmpty();

        RecordedRequest r = takeApi("POST", "/v1/databases");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.getHeader("User-Agent")).isEqualTo("flink-connector-hotdata");
        assertThat(body(r))
                .isEqualTo(
                        tree(
                                "{\"name\":\"sales\",\"default_schema\":\"public\",\"expires_at\":\"24h\","
                                        + "\"schemas\":[{\"name\":\"public\",\"tables\":[{\"name\":\"orders\","
                                        + "\"key\":[\"id\"],\"partition_by\":[{\"column\":\"ts\",\"transform\":\"year\"},"
                                        + "{\"column\":\"ts\",\"transform\":\"month\"}],"
                                        + "\"sorted_by\":[{\"column\":\"id\",\"direction\":\"asc\",\"nulls\":\"last\"}]}]}]}"));
    }

    @Test
    void getListAndDeleteDatabases() throws Exception {
        server.enqueue(
                json(
                        200,
                        "{\"id\":\"db_1\",\"name\":null,\"default_catalog\":\"default\","
                                + "\"default_connection_id\":\"conn_1\",\"default_schema\":\"main\","
                                + "\"attachments\":[{\"connection_id\":\"conn_x\",\"alias\":\"ext\"}],"
                                + "\"created_at\":\"2026-07-15T19:00:00Z\"}"));
        DatabaseInfo db = client.getDatabase("db_1");
        assertThat(db.name()).isNull();
        assertThat(db.attachments()).hasSize(1);
        assertThat(db.attachments().get(0).connectionId()).isEqualTo("conn_x");
        assertThat(db.attachments().get(0).alias()).isEqualTo("ext");
        assertThat(db.createdAt()).isEqualTo("2026-07-15T19:00:00Z");
        takeApi("GET", "/v1/databases/db_1");

        server.enqueue(
                json(
                        200,
                        "{\"databases\":[{\"id\":\"db_2\",\"name\":\"a b\",\"default_catalog\":\"default\","
                                + "\"default_schema\":\"main\"}],\"count\":1,\"limit\":5,"
                                + "\"has_more\":true,\"next_cursor\":\"c2\"}"));
        DatabasePage page = client.listDatabases("a b", 5, "c1");
        assertThat(page.databases()).extracting(DatabaseSummary::id).containsExactly("db_2");
        assertThat(page.hasMore()).isTrue();
        assertThat(page.nextCursor()).isEqualTo("c2");
        takeApi("GET", "/v1/databases?search=a%20b&limit=5&cursor=c1");

        server.enqueue(new MockResponse().setResponseCode(204));
        client.deleteDatabase("db_2");
        RecordedRequest del = takeApi("DELETE", "/v1/databases/db_2");
        assertThat(del.getBodySize()).isZero();
    }

    @Test
    void listAllDatabasesFollowsCursors() throws Exception {
        server.enqueue(
                json(
                        200,
                        "{\"databases\":[{\"id\":\"db_1\"},{\"id\":\"db_2\"}],\"has_more\":true,"
                                + "\"next_cursor\":\"c2\"}"));
        server.enqueue(
                json(
                        200,
                        "{\"databases\":[{\"id\":\"db_3\"}],\"has_more\":false,\"next_cursor\":null}"));
        List<DatabaseSummary> all = client.listAllDatabases("sales");
        assertThat(all).extracting(DatabaseSummary::id).containsExactly("db_1", "db_2", "db_3");
        takeApi("GET", "/v1/databases?search=sales&limit=100");
        takeApi("GET", "/v1/databases?search=sales&limit=100&cursor=c2");
    }

    @Test
    void listAllDatabasesStopsOnARepeatedCursor() throws Exception {
        server.enqueue(json(200, "{\"databases\":[],\"has_more\":true,\"next_cursor\":\"c\"}"));
        server.enqueue(json(200, "{\"databases\":[],\"has_more\":true,\"next_cursor\":\"c\"}"));
        assertThatThrownBy(() -> client.listAllDatabases(null))
                .isInstanceOf(HotdataException.class)
                .hasMessageContaining("repeated cursor");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void addSchemaAddTableDeleteTable() throws Exception {
        server.enqueue(
                json(
                        201,
                        "{\"connection_id\":\"conn_1\",\"schema\":\"raw\",\"tables\":[\"events\"]}"));
        ManagedSchemaInfo s =
                client.addSchema(
                        "db_1", SchemaDeclaration.of("RAW", TableDeclaration.of("Events")));
        assertThat(s.connectionId()).isEqualTo("conn_1");
        assertThat(s.schema()).isEqualTo("raw");
        assertThat(s.tables()).containsExactly("events");
        RecordedRequest r = takeApi("POST", "/v1/databases/db_1/schemas");
        assertThat(body(r))
                .isEqualTo(tree("{\"name\":\"RAW\",\"tables\":[{\"name\":\"Events\"}]}"));

        server.enqueue(
                json(201, "{\"connection_id\":\"conn_1\",\"schema\":\"raw\",\"table\":\"t\"}"));
        ManagedTableInfo t =
                client.addTable("db_1", "raw", TableDeclaration.builder("t").key("a", "b").build());
        assertThat(t.table()).isEqualTo("t");
        r = takeApi("POST", "/v1/databases/db_1/schemas/raw/tables");
        assertThat(body(r)).isEqualTo(tree("{\"name\":\"t\",\"key\":[\"a\",\"b\"]}"));

        server.enqueue(new MockResponse().setResponseCode(204));
        client.deleteTable("conn_1", "raw", "t");
        takeApi("DELETE", "/v1/connections/conn_1/schemas/raw/tables/t");
    }

    @Test
    void pathSegmentsAreEncoded() throws Exception {
        server.enqueue(json(200, "{\"id\":\"a/b\"}"));
        client.getDatabase("a/b?c");
        takeApi("GET", "/v1/databases/a%2Fb%3Fc");
    }

    @Test
    void createUploadMintPartsFinalize() throws Exception {
        server.enqueue(
                json(
                        201,
                        "{\"upload_id\":\"upl_1\",\"finalize_token\":\"tok_SECRET\",\"mode\":\"multipart\","
                                + "\"headers\":{},\"part_size\":5242880}"));
        UploadSession s =
                client.createUpload(
                        CreateUploadRequest.builder()
                                .partSize(5242880L)
                                .contentType("application/vnd.apache.parquet")
                                .filename("f.parquet")
                                .build());
        assertThat(s.uploadId()).isEqualTo("upl_1");
        assertThat(s.isMultipart()).isTrue();
        assertThat(s.partSize()).isEqualTo(5242880L);
        assertThat(s.partUrls()).isEmpty();
        assertThat(s.finalizeToken()).isEqualTo("tok_SECRET");
        assertThat(s.toString()).doesNotContain("tok_SECRET");
        RecordedRequest r = takeApi("POST", "/v1/uploads");
        assertThat(body(r))
                .isEqualTo(
                        tree(
                                "{\"part_size\":5242880,\"content_type\":\"application/vnd.apache.parquet\","
                                        + "\"filename\":\"f.parquet\"}"));

        server.enqueue(
                json(
                        200,
                        "{\"parts\":[{\"part_number\":2,\"url\":\"http://s/2?sig=x\"},"
                                + "{\"part_number\":1,\"url\":\"http://s/1?sig=y\"}]}"));
        List<PartUrl> urls = client.mintParts("upl_1", "tok_SECRET", Arrays.asList(1, 2));
        assertThat(urls).extracting(PartUrl::partNumber).containsExactly(1, 2);
        assertThat(urls.get(0).url()).isEqualTo("http://s/1?sig=y");
        assertThat(urls.get(0).toString()).doesNotContain("sig=y");
        r = takeApi("POST", "/v1/uploads/upl_1/parts");
        assertThat(r.getHeader("X-Upload-Finalize-Token")).isEqualTo("tok_SECRET");
        assertThat(body(r)).isEqualTo(tree("{\"part_numbers\":[1,2]}"));

        server.enqueue(
                json(
                        200,
                        "{\"upload_id\":\"upl_1\",\"status\":\"ready\",\"size_bytes\":6000000,"
                                + "\"created_at\":\"2026-08-01T00:00:00Z\",\"content_type\":\"application/vnd.apache.parquet\"}"));
        FinalizedUpload f =
                client.finalizeUpload(
                        "upl_1",
                        "tok_SECRET",
                        Arrays.asList(
                                new CompletedPart(2, "\"etag-2\""),
                                new CompletedPart(1, "\"etag-1\"")));
        assertThat(f.uploadId()).isEqualTo("upl_1");
        assertThat(f.status()).isEqualTo("ready");
        assertThat(f.sizeBytes()).isEqualTo(6000000L);
        assertThat(f.contentType()).isEqualTo("application/vnd.apache.parquet");
        r = takeApi("POST", "/v1/uploads/upl_1/finalize");
        assertThat(r.getHeader("X-Upload-Finalize-Token")).isEqualTo("tok_SECRET");
        assertThat(body(r))
                .isEqualTo(
                        tree(
                                "{\"parts\":[{\"part_number\":1,\"e_tag\":\"\\\"etag-1\\\"\"},"
                                        + "{\"part_number\":2,\"e_tag\":\"\\\"etag-2\\\"\"}]}"));
    }

    @Test
    void finalizeSingleSendsEmptyObject() throws Exception {
        server.enqueue(
                json(200, "{\"upload_id\":\"upl_1\",\"status\":\"ready\",\"size_bytes\":3}"));
        client.finalizeUpload("upl_1", "tok", Collections.emptyList());
        RecordedRequest r = takeApi("POST", "/v1/uploads/upl_1/finalize");
        assertThat(body(r)).isEqualTo(tree("{}"));
    }

    @Test
    void syncLoadWithUploadId() throws Exception {
        server.enqueue(
                json(
                        200,
                        "{\"connection_id\":\"conn_1\",\"schema_name\":\"public\",\"table_name\":\"orders\","
                                + "\"row_count\":42,\"arrow_schema_json\":\"{}\"}"));
        LoadResult res =
                client.load(
                        "db_1",
                        "public",
                        "orders",
                        LoadRequest.builder()
                                .mode(LoadMode.UPSERT)
                                .uploadId("upl_1")
                                .key("id")
                                .format("parquet")
                                .build());
        assertThat(res.rowCount()).isEqualTo(42);
        assertThat(res.tableName()).isEqualTo("orders");
        assertThat(res.schemaName()).isEqualTo("public");
        assertThat(res.connectionId()).isEqualTo("conn_1");
        assertThat(res.arrowSchemaJson()).isEqualTo("{}");
        RecordedRequest r =
                takeApi("POST", "/v1/databases/db_1/schemas/public/tables/orders/loads");
        assertThat(body(r))
                .isEqualTo(
                        tree(
                                "{\"mode\":\"upsert\",\"upload_id\":\"upl_1\",\"format\":\"parquet\",\"key\":[\"id\"]}"));
    }

    @Test
    void inlineLoadBody() throws Exception {
        server.enqueue(
                json(
                        200,
                        "{\"connection_id\":\"c\",\"schema_name\":\"s\",\"table_name\":\"t\",\"row_count\":1}"));
        Map<String, String> cols = new LinkedHashMap<>();
        cols.put("id", "BIGINT");
        cols.put("amount", "DECIMAL(10,2)");
        client.load(
                "db_1",
                "s",
                "t",
                LoadRequest.builder()
                        .mode(LoadMode.APPEND)
                        .data("id,amount\n1,2.50\n")
                        .columns(cols)
                        .idempotencyKey("k-1")
                        .async(true)
                        .asyncAfterMs(10000)
                        .build());
        RecordedRequest r = takeApi("POST", "/v1/databases/db_1/schemas/s/tables/t/loads");
        assertThat(body(r))
                .isEqualTo(
                        tree(
                                "{\"mode\":\"append\",\"data\":\"id,amount\\n1,2.50\\n\","
                                        + "\"columns\":{\"id\":\"BIGINT\",\"amount\":\"DECIMAL(10,2)\"},"
                                        + "\"async\":true,\"async_after_ms\":10000,\"idempotency_key\":\"k-1\"}"));
    }

    @Test
    void asyncLoadPollsJobUntilTerminal() throws Exception {
        server.enqueue(
                json(
                        202,
                        "{\"id\":\"job_1\",\"status\":\"pending\",\"status_url\":\"/v1/jobs/job_1\"}"));
        server.enqueue(
                json(
                        200,
                        "{\"id\":\"job_1\",\"job_type\":\"managed_load\",\"status\":\"running\",\"attempts\":1,"
                                + "\"created_at\":\"t0\",\"result\":null}"));
        server.enqueue(
                json(
                        200,
                        "{\"id\":\"job_1\",\"job_type\":\"managed_load\",\"status\":\"succeeded\",\"attempts\":1,"
                                + "\"created_at\":\"t0\",\"completed_at\":\"t1\",\"result\":{\"connection_id\":\"conn_1\","
                                + "\"schema_name\":\"public\",\"table_name\":\"orders\",\"row_count\":7,"
                                + "\"arrow_schema_json\":\"{}\"}}"));
        LoadResult res =
                client.load(
                        "db_1",
                        "public",
                        "orders",
                        LoadRequest.builder()
                                .mode(LoadMode.APPEND)
                                .uploadId("upl_1")
                                .async(true)
                                .asyncAfterMs(10000)
                                .build());
        assertThat(res.rowCount()).isEqualTo(7);
        assertThat(res.tableName()).isEqualTo("orders");
        takeApi("POST", "/v1/databases/db_1/schemas/public/tables/orders/loads");
        takeApi("GET", "/v1/jobs/job_1");
        takeApi("GET", "/v1/jobs/job_1");
        assertThat(clock.sleeps).hasSize(1);
    }

    @Test
    void asyncLoadFailedJobThrowsWithJobMessage() throws Exception {
        server.enqueue(json(202, "{\"id\":\"job_2\",\"status\":\"pending\"}"));
        server.enqueue(
                json(
                        200,
                        "{\"id\":\"job_2\",\"job_type\":\"managed_load\",\"status\":\"failed\",\"attempts\":1,"
                                + "\"error_message\":\"column 'x' changes type Int64 -> Utf8\"}"));
        assertThatThrownBy(
                        () ->
                                client.load(
                                        "db_1",
                                        "s",
                                        "t",
                                        LoadRequest.builder()
                                                .mode(LoadMode.APPEND)
                                                .uploadId("upl_1")
                                                .async(true)
                                                .build()))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.JOB_FAILED);
                            assertThat(e.serverMessage())
                                    .isEqualTo("column 'x' changes type Int64 -> Utf8");
                            assertThat(e.isTransient()).isFalse();
                            assertThat(e.getMessage()).contains("job_2").contains("failed");
                            assertThat(e.request())
                                    .isEqualTo("POST /v1/databases/db_1/schemas/s/tables/t/loads");
                        });
    }

    @Test
    void awaitJobTimesOut() throws Exception {
        for (int i = 0; i < 50; i++) {
            server.enqueue(json(200, "{\"id\":\"job_3\",\"status\":\"running\"}"));
        }
        assertThatThrownBy(() -> client.awaitJob("job_3", Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.CLIENT_TIMEOUT);
                            assertThat(e.isTransient()).isTrue();
                        });
        assertThat(clock.totalSlept()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(server.getRequestCount()).isLessThan(20);
    }

    @Test
    void getJobMapsAllFields() throws Exception {
        server.enqueue(
                json(
                        200,
                        "{\"id\":\"job_1\",\"job_type\":\"new_kind\",\"status\":\"partially_succeeded\","
                                + "\"attempts\":2,\"created_at\":\"t0\",\"completed_at\":\"t1\","
                                + "\"error_message\":\"half\",\"result\":{\"a\":1}}"));
        JobStatus j = client.getJob("job_1");
        assertThat(j.isTerminal()).isTrue();
        assertThat(j.isSucceeded()).isFalse();
        assertThat(j.jobType()).isEqualTo("new_kind");
        assertThat(j.attempts()).isEqualTo(2);
        assertThat(j.completedAt()).isEqualTo("t1");
        assertThat(j.errorMessage()).isEqualTo("half");
        assertThat(j.result().get("a").asInt()).isEqualTo(1);
        takeApi("GET", "/v1/jobs/job_1");
    }

    @Test
    void syncQuerySendsDatabaseHeaderAndMapsRows() throws Exception {
        server.enqueue(
                json(
                        200,
                        "{\"query_run_id\":\"qrun_1\",\"result_id\":\"rslt_1\",\"columns\":[\"id\",\"amount\",\"name\"],"
                                + "\"nullable\":[false,true,true],\"rows\":[[1,12.34,\"a\"],[9007199254740993,null,null]],"
                                + "\"preview_row_count\":2,\"row_count\":2,\"total_row_count\":2,\"truncated\":false,"
                                + "\"execution_time_ms\":5}"));
        QueryResponse q =
                client.query(
                        "db_1",
                        QueryRequest.builder().sql("SELECT 1").defaultSchema("public").build());
        assertThat(q.isAsync()).isFalse();
        assertThat(q.queryRunId()).isEqualTo("qrun_1");
        assertThat(q.resultId()).isEqualTo("rslt_1");
        assertThat(q.columns()).containsExactly("id", "amount", "name");
        assertThat(q.nullable()).containsExactly(false, true, true);
        assertThat(q.rows()).hasSize(2);
        assertThat(q.rows().get(0)).containsExactly(1L, new BigDecimal("12.34"), "a");
        assertThat(q.rows().get(1)).containsExactly(9007199254740993L, null, null);
        assertThat(q.previewRowCount()).isEqualTo(2L);
        assertThat(q.totalRowCount()).isEqualTo(2L);
        assertThat(q.truncated()).isFalse();
        RecordedRequest r = takeApi("POST", "/v1/query");
        assertThat(r.getHeader("X-Database-Id")).isEqualTo("db_1");
        assertThat(body(r)).isEqualTo(tree("{\"sql\":\"SELECT 1\",\"default_schema\":\"public\"}"));
    }

    @Test
    void asyncQueryAndQueryRun() throws Exception {
        server.enqueue(
                json(
                        202,
                        "{\"query_run_id\":\"qrun_2\",\"status\":\"running\","
                                + "\"status_url\":\"/v1/query-runs/qrun_2\",\"reason\":\"caching\"}"));
        QueryResponse q =
                client.query("db_1", QueryRequest.builder().sql("SELECT 2").async(true).build());
        assertThat(q.isAsync()).isTrue();
        assertThat(q.queryRunId()).isEqualTo("qrun_2");
        assertThat(q.status()).isEqualTo("running");
        assertThat(q.statusUrl()).isEqualTo("/v1/query-runs/qrun_2");
        assertThat(q.reason()).isEqualTo("caching");
        assertThat(q.rows()).isEmpty();
        RecordedRequest r = takeApi("POST", "/v1/query");
        assertThat(body(r)).isEqualTo(tree("{\"sql\":\"SELECT 2\",\"async\":true}"));

        server.enqueue(
                json(
                        200,
                        "{\"id\":\"qrun_2\",\"status\":\"succeeded\",\"sql_text\":\"SELECT 2\",\"sql_hash\":\"h\","
                                + "\"snapshot_id\":\"snap_1\",\"created_at\":\"t0\",\"result_id\":\"rslt_2\",\"row_count\":1}"));
        QueryRunInfo run = client.getQueryRun("db_1", "qrun_2");
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.resultId()).isEqualTo("rslt_2");
        assertThat(run.rowCount()).isEqualTo(1L);
        assertThat(run.sqlText()).isEqualTo("SELECT 2");
        r = takeApi("GET", "/v1/query-runs/qrun_2");
        assertThat(r.getHeader("X-Database-Id")).isEqualTo("db_1");
    }

    /**
     * Header names are case-insensitive (RFC 9110 §5.1): a server that spells them oddly (the JDK
     * server folds them to {@code X-total-row-count}) is read the same.
     */
    @Test
    void responseHeadersAreReadWhateverTheirCasing() throws Exception {
        server.enqueue(
                json(
                                200,
                                "{\"result_id\":\"rslt_1\",\"status\":\"ready\",\"columns\":[\"a\"],\"nullable\":[true],"
                                        + "\"rows\":[[\"x\"]],\"row_count\":1}")
                        .setHeader("x-TOTAL-row-COUNT", "10"));
        assertThat(client.getResult("db_1", "rslt_1", 0, 1).totalRowCount()).isEqualTo(10L);
        server.enqueue(
                json(202, "{\"status\":\"processing\",\"result_id\":\"rslt_1\"}")
                        .setHeader("rETRY-aFTER", "4"));
        assertThat(client.getResult("db_1", "rslt_1", 0, 0).retryAfterSeconds()).isEqualTo(4L);
    }

    @Test
    void getResultReadyPendingAndFailed() throws Exception {
        server.enqueue(
                json(
                                200,
                                "{\"result_id\":\"rslt_1\",\"status\":\"ready\",\"columns\":[\"a\"],\"nullable\":[true],"
                                        + "\"rows\":[[\"x\"],[\"y\"]],\"row_count\":2}")
                        .setHeader("X-Total-Row-Count", "10"));
        ResultPage p = client.getResult("db_1", "rslt_1", 4, 2);
        assertThat(p.isReady()).isTrue();
        assertThat(p.rows())
                .containsExactly(Collections.singletonList("x"), Collections.singletonList("y"));
        assertThat(p.rowCount()).isEqualTo(2L);
        assertThat(p.totalRowCount()).isEqualTo(10L);
        assertThat(p.retryAfterSeconds()).isNull();
        RecordedRequest r = takeApi("GET", "/v1/results/rslt_1?offset=4&limit=2");
        assertThat(r.getHeader("X-Database-Id")).isEqualTo("db_1");
        assertThat(r.getHeader("Accept")).isEqualTo("application/json");

        server.enqueue(
                json(202, "{\"status\":\"processing\",\"result_id\":\"rslt_1\"}")
                        .setHeader("Retry-After", "2"));
        ResultPage pending = client.getResult("db_1", "rslt_1", 0, 0);
        assertThat(pending.isReady()).isFalse();
        assertThat(pending.status()).isEqualTo("processing");
        assertThat(pending.retryAfterSeconds()).isEqualTo(2L);
        takeApi("GET", "/v1/results/rslt_1?offset=0&limit=0");

        server.enqueue(
                json(
                        409,
                        "{\"status\":\"failed\",\"result_id\":\"rslt_1\",\"error_message\":\"division by zero\"}"));
        assertThatThrownBy(() -> client.getResult("db_1", "rslt_1", 0, null))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(409);
                            assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.RESULT_FAILED);
                            assertThat(e.serverMessage()).isEqualTo("division by zero");
                            assertThat(e.isTransient()).isFalse();
                        });
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void awaitResultPollsHonouringRetryAfterThenFetches() throws Exception {
        server.enqueue(
                json(202, "{\"status\":\"pending\",\"result_id\":\"rslt_1\"}")
                        .setHeader("Retry-After", "3"));
        server.enqueue(
                json(
                        200,
                        "{\"result_id\":\"rslt_1\",\"status\":\"ready\",\"columns\":[\"a\"],\"rows\":[]}"));
        server.enqueue(
                json(
                                200,
                                "{\"result_id\":\"rslt_1\",\"status\":\"ready\",\"columns\":[\"a\"],\"nullable\":[false],"
                                        + "\"rows\":[[1],[2],[3]],\"row_count\":3}")
                        .setHeader("X-Total-Row-Count", "3"));
        ResultPage p = client.awaitResult("db_1", "rslt_1", Duration.ofMinutes(1));
        assertThat(p.rows()).hasSize(3);
        assertThat(p.totalRowCount()).isEqualTo(3L);
        takeApi("GET", "/v1/results/rslt_1?offset=0&limit=0");
        takeApi("GET", "/v1/results/rslt_1?offset=0&limit=0");
        takeApi("GET", "/v1/results/rslt_1?offset=0");
        assertThat(clock.sleeps).hasSize(1);
        assertThat(clock.sleeps.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void informationSchemaQueryAndMapping() throws Exception {
        server.enqueue(
                json(
                        200,
                        "{\"count\":1,\"limit\":10,\"tables\":[{\"connection\":\"default\",\"schema\":\"public\","
                                + "\"table\":\"orders\",\"synced\":true,\"last_sync\":\"t1\",\"columns\":[{\"name\":\"id\","
                                + "\"data_type\":\"Int64\",\"nullable\":false}],\"partition_by\":[{\"column\":\"ts\","
                                + "\"transform\":\"day\"}],\"sorted_by\":[{\"column\":\"id\",\"direction\":\"desc\"}]}],"
                                + "\"has_more\":true,\"next_cursor\":\"cur2\"}"));
        InformationSchemaPage page =
                client.informationSchema(
                        InformationSchemaRequest.builder()
                                .connectionId("conn_1")
                                .schema("public")
                                .table("ord%")
                                .includeColumns(true)
                                .limit(10)
                                .cursor("cur1")
                                .build());
        assertThat(page.hasMore()).isTrue();
        assertThat(page.nextCursor()).isEqualTo("cur2");
        TableInfo t = page.tables().get(0);
        assertThat(t.table()).isEqualTo("orders");
        assertThat(t.synced()).isTrue();
        assertThat(t.lastSync()).isEqualTo("t1");
        assertThat(t.columns()).hasSize(1);
        assertThat(t.columns().get(0).name()).isEqualTo("id");
        assertThat(t.columns().get(0).dataType()).isEqualTo("Int64");
        assertThat(t.columns().get(0).nullable()).isFalse();
        assertThat(t.partitionBy()).containsExactly(PartitionKey.of("ts", "day"));
        assertThat(t.sortedBy()).containsExactly(new SortKey("id", "desc", null));
        RecordedRequest r =
                takeApi(
                        "GET",
                        "/v1/information_schema?connection_id=conn_1&schema=public&table=ord%25"
                                + "&include_columns=true&limit=10&cursor=cur1");
        assertThat(r.getHeader("X-Database-Id")).isNull();
    }

    @Test
    void endpointWithPathPrefixAndV1IsNormalised() throws Exception {
        useConfig(config().endpoint(server.url("/prefix/v1/").toString()).build());
        server.enqueue(json(200, "{\"id\":\"db_1\"}"));
        client.getDatabase("db_1");
        takeApi("GET", "/prefix/v1/databases/db_1");
    }

    @Test
    void loadRequestRequiresExactlyOneSource() {
        assertThatThrownBy(() -> LoadRequest.builder().mode(LoadMode.APPEND).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one source");
        assertThatThrownBy(
                        () ->
                                LoadRequest.builder()
                                        .mode(LoadMode.APPEND)
                                        .uploadId("u")
                                        .resultId("r")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                LoadRequest.builder()
                                        .mode(LoadMode.APPEND)
                                        .uploadId("u")
                                        .idempotencyKey("k")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadRequest.builder().uploadId("u").build())
                .isInstanceOf(NullPointerException.class);
        assertThat(LoadMode.fromWireName("upsert")).isEqualTo(LoadMode.UPSERT);
        assertThat(LoadMode.DELETE.wireName()).isEqualTo("delete");
    }

    @Test
    void unreadableSuccessBodyIsAProtocolError() throws Exception {
        server.enqueue(json(200, "<html>oops</html>"));
        assertThatThrownBy(() -> client.getDatabase("db_1"))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.PROTOCOL_ERROR);
                            assertThat(e.isTransient()).isFalse();
                        });
    }
}
