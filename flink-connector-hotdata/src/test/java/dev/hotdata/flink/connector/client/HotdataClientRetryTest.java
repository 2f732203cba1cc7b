package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** Retry classification, back-off, deadlines and the per-call safety rules. */
class HotdataClientRetryTest extends MockHotdata {

    private static final String DB_JSON =
            "{\"id\":\"db_1\",\"default_catalog\":\"default\",\"default_connection_id\":\"c\","
                    + "\"default_schema\":\"main\"}";
    private static final String LOAD_JSON =
            "{\"connection_id\":\"c\",\"schema_name\":\"s\",\"table_name\":\"t\",\"row_count\":3}";

    private static LoadRequest uploadLoad() {
        return LoadRequest.builder().mode(LoadMode.APPEND).uploadId("upl_1").build();
    }

    private static LoadRequest inlineLoad(String idempotencyKeyOrNull) {
        return LoadRequest.builder()
                .mode(LoadMode.APPEND)
                .data("a\n1\n")
                .idempotencyKey(idempotencyKeyOrNull)
                .build();
    }

    private HotdataException thrownBy(ThrowingCall call) {
        try {
            call.run();
        } catch (HotdataException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected HotdataException, got " + e, e);
        }
        throw new AssertionError("expected HotdataException, nothing thrown");
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        server.enqueue(error(429, "OVERLOADED", "busy").setHeader("Retry-After", "7"));
        server.enqueue(json(200, "{\"query_run_id\":\"q\",\"columns\":[],\"rows\":[]}"));
        QueryResponse q = client.query("db_1", "SELECT 1");
        assertThat(q.queryRunId()).isEqualTo("q");
        assertThat(server.getRequestCount()).isEqualTo(2);
        // maxBackoff is 2 s in the test policy: Retry-After wins
        assertThat(clock.sleeps).hasSize(1);
        assertThat(clock.sleeps.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void honoursRetryAfterSpelledInAnyCase() throws Exception {
        server.enqueue(error(429, "OVERLOADED", "busy").setHeader("retry-AFTER", "6"));
        server.enqueue(json(200, "{\"query_run_id\":\"q\",\"columns\":[],\"rows\":[]}"));
        assertThat(client.query("db_1", "SELECT 1").queryRunId()).isEqualTo("q");
        assertThat(clock.sleeps).hasSize(1);
        assertThat(clock.sleeps.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void honoursRetryAfterWithTheRealClock() throws Exception {
        client.close();
        client = new HotdataClient(config().build(), HotdataClock.system());
        server.enqueue(error(429, "OVERLOADED", "busy").setHeader("Retry-After", "1"));
        server.enqueue(json(200, "{\"query_run_id\":\"q\",\"columns\":[],\"rows\":[]}"));
        long start = System.nanoTime();
        client.query("db_1", "SELECT 1");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).isGreaterThanOrEqualTo(1000);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void retries5xxThenSucceeds() throws Exception {
        server.enqueue(error(500, "INTERNAL_SERVER_ERROR", "boom"));
        server.enqueue(
                new MockResponse()
                        .setResponseCode(502)
                        .setBody("<html><body>Bad gateway</body></html>"));
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(json(200, DB_JSON));
        assertThat(client.getDatabase("db_1").id()).isEqualTo("db_1");
        assertThat(server.getRequestCount()).isEqualTo(4);
        assertThat(clock.sleeps).hasSize(3);
        // exponential: 100 ms, 200 ms, 400 ms before jitter (jitter takes off at most half)
        assertThat(clock.sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(clock.sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(clock.sleeps.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void badRequestIsNotRetried() {
        server.enqueue(error(400, "BAD_REQUEST", "invalid identifier 'a-b'"));
        HotdataException e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.errorCode()).isEqualTo("BAD_REQUEST");
        assertThat(e.serverMessage()).isEqualTo("invalid identifier 'a-b'");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.request()).isEqualTo("GET /v1/databases/db_1");
        assertThat(e.getMessage())
                .isEqualTo(
                        "GET /v1/databases/db_1 failed: HTTP 400 BAD_REQUEST: invalid identifier 'a-b'");
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void notImplementedIsNotRetried() {
        server.enqueue(error(501, "PRESIGN_UNSUPPORTED", "cannot presign"));
        HotdataException e =
                thrownBy(
                        () ->
                                client.createUpload(
                                        dev.hotdata.flink.connector.client.model.CreateUploadRequest
                                                .builder()
                                                .build()));
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(e.statusCode()).isEqualTo(501);
        assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.PRESIGN_UNSUPPORTED);
        assertThat(e.isTransient()).isFalse();
    }

    @Test
    void onlyResourceLockedAmong409sIsRetried() throws Exception {
        server.enqueue(error(409, "RESOURCE_LOCKED", "database is locked"));
        server.enqueue(error(409, "RESOURCE_LOCKED", "database is locked"));
        server.enqueue(json(200, LOAD_JSON));
        assertThat(client.load("db_1", "s", "t", uploadLoad()).rowCount()).isEqualTo(3);
        assertThat(server.getRequestCount()).isEqualTo(3);

        // CONFLICT (attested: terminal) and codes no public source names are not retried
        int requests = 3;
        for (String code : new String[] {"CONFLICT", "UPLOAD_IN_FLIGHT", "SOMETHING_NEW"}) {
            server.enqueue(error(409, code, "conflict"));
            HotdataException e = thrownBy(() -> client.load("db_1", "s", "t", uploadLoad()));
            assertThat(server.getRequestCount()).as(code).isEqualTo(++requests);
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.isTransient()).as(code).isFalse();
        }
    }

    @Test
    void givesUpAfterMaxRetries() {
        for (int i = 0; i < 10; i++) {
            server.enqueue(error(503, "SERVICE_UNAVAILABLE", "down"));
        }
        HotdataException e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(server.getRequestCount()).isEqualTo(4); // 1 + maxRetries 3
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.getMessage()).contains("4 attempts").contains("gave up after 3 retries");
    }

    @Test
    void deadlineStopsRetrying() {
        useConfig(
                config().retryPolicy(
                                RetryPolicy.builder()
                                        .maxRetries(100)
                                        .initialBackoff(Duration.ofSeconds(1))
                                        .maxBackoff(Duration.ofSeconds(1))
                                        .jitter(0)
                                        .deadline(Duration.ofMillis(3500))
                                        .build())
                        .build());
        for (int i = 0; i < 10; i++) {
            server.enqueue(error(500, "INTERNAL_SERVER_ERROR", "boom"));
        }
        HotdataException e = thrownBy(() -> client.getDatabase("db_1"));
        // sleeps of 1 s at fake times 0, 1, 2 s; the 4th would end at 4 s > 3.5 s
        assertThat(server.getRequestCount()).isEqualTo(4);
        assertThat(clock.sleeps).hasSize(3);
        assertThat(e.getMessage())
                .contains("retry deadline of PT3.5S reached")
                .contains("4 attempts");
        assertThat(e.isTransient()).isTrue();
    }

    @Test
    void retryAfterBeyondTheDeadlineGivesUpAtOnce() {
        server.enqueue(error(429, "OVERLOADED", "busy").setHeader("Retry-After", "600"));
        HotdataException e = thrownBy(() -> client.query("db_1", "SELECT 1"));
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(clock.sleeps).isEmpty();
        assertThat(e.retryAfterSeconds()).hasValue(600);
        assertThat(e.getMessage()).contains("retry deadline");
    }

    @Test
    void finalizeIsNotRetriedOn500() {
        server.enqueue(error(500, "INTERNAL_SERVER_ERROR", "boom"));
        server.enqueue(json(200, "{\"upload_id\":\"u\",\"status\":\"ready\",\"size_bytes\":1}"));
        HotdataException e =
                thrownBy(() -> client.finalizeUpload("u", "tok", Collections.emptyList()));
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.isTransient())
                .isTrue(); // classification is unchanged; the call is just unsafe
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void finalizeIsNotRetriedWhenTheConnectionDrops() throws Exception {
        // a pooled connection first: OkHttp silently replays failures on reused connections
        server.enqueue(json(200, DB_JSON));
        client.getDatabase("db_1");
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        server.enqueue(json(200, "{\"upload_id\":\"u\",\"status\":\"ready\",\"size_bytes\":1}"));
        HotdataException e =
                thrownBy(() -> client.finalizeUpload("u", "tok", Collections.emptyList()));
        // neither our retry loop nor OkHttp's silent retry may replay it
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(e.statusCode()).isZero();
        assertThat(e.errorCode()).isNull();
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage())
                .startsWith("POST /v1/uploads/u/finalize failed: no HTTP response");
    }

    @Test
    void createDatabaseIsNotReplayedAfterAmbiguousFailures() {
        server.enqueue(error(500, "INTERNAL_SERVER_ERROR", "maybe created"));
        HotdataException e =
                thrownBy(
                        () ->
                                client.createDatabase(
                                        CreateDatabaseRequest.builder().name("x").build()));
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(e.statusCode()).isEqualTo(500);

        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        e =
                thrownBy(
                        () ->
                                client.createDatabase(
                                        CreateDatabaseRequest.builder().name("x").build()));
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(e.statusCode()).isZero();
    }

    @Test
    void createDatabaseIsRetriedOn429And503() throws Exception {
        server.enqueue(error(429, "OVERLOADED", "busy").setHeader("Retry-After", "1"));
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(json(201, DB_JSON));
        assertThat(client.createDatabase(CreateDatabaseRequest.builder().build()).id())
                .isEqualTo("db_1");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void createDatabaseIsRetriedWhenTheConnectionIsRefused() throws Exception {
        MockWebServer closed = new MockWebServer();
        closed.start(InetAddress.getByName("127.0.0.1"), 0);
        String url = closed.url("/").toString();
        closed.shutdown();
        useConfig(config().endpoint(url).build());
        HotdataException e =
                thrownBy(() -> client.createDatabase(CreateDatabaseRequest.builder().build()));
        assertThat(e.statusCode()).isZero();
        assertThat(e.isTransient()).isTrue();
        assertThat(e.notSent()).isTrue();
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(clock.sleeps).hasSize(3);
        assertThat(e.getMessage()).contains("ConnectException");
    }

    @Test
    void uploadLoadsAreRetriedEvenAfterAConnectionDrop() throws Exception {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        server.enqueue(error(500, "INTERNAL_SERVER_ERROR", "boom"));
        server.enqueue(json(200, LOAD_JSON));
        assertThat(client.load("db_1", "s", "t", uploadLoad()).rowCount()).isEqualTo(3);
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void inlineLoadsWithoutIdempotencyKeyAreOnlyRetriedWhenRejected() throws Exception {
        server.enqueue(error(500, "INTERNAL_SERVER_ERROR", "maybe applied"));
        HotdataException e = thrownBy(() -> client.load("db_1", "s", "t", inlineLoad(null)));
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(server.getRequestCount()).isEqualTo(1);

        server.enqueue(error(409, "RESOURCE_LOCKED", "locked"));
        server.enqueue(json(200, LOAD_JSON));
        assertThat(client.load("db_1", "s", "t", inlineLoad(null)).rowCount()).isEqualTo(3);
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void inlineLoadsWithIdempotencyKeyAreRetried() throws Exception {
        server.enqueue(error(500, "INTERNAL_SERVER_ERROR", "boom"));
        server.enqueue(json(200, LOAD_JSON));
        assertThat(client.load("db_1", "s", "t", inlineLoad("k1")).rowCount()).isEqualTo(3);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void readTimeoutIsATransientTransportError() {
        useConfig(
                config().readTimeout(Duration.ofMillis(300))
                        .retryPolicy(RetryPolicy.none())
                        .build());
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        HotdataException e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(e.statusCode()).isZero();
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void errorBodyShapes() {
        server.enqueue(json(403, "{\"error\":\"workspace_not_found\"}"));
        HotdataException e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(e.errorCode()).isEqualTo("workspace_not_found");
        assertThat(e.serverMessage()).isEqualTo("workspace_not_found");

        server.enqueue(json(422, "{\"detail\":\"Field required\"}"));
        e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(e.errorCode()).isNull();
        assertThat(e.serverMessage()).isEqualTo("Field required");

        server.enqueue(
                json(
                        422,
                        "{\"detail\":[{\"loc\":[\"body\",\"mode\"],\"msg\":\"field required\"},"
                                + "{\"loc\":[\"body\",\"sql\"],\"msg\":\"too short\"}]}"));
        e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(e.serverMessage()).isEqualTo("body.mode: field required; body.sql: too short");

        server.enqueue(
                new MockResponse()
                        .setResponseCode(404)
                        .setBody(
                                "<html><head><title>404</title><style>p{}</style></head>"
                                        + "<body><h1>Not   Found</h1></body></html>"));
        e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.errorCode()).isNull();
        assertThat(e.serverMessage()).isEqualTo("404 Not Found");

        server.enqueue(new MockResponse().setResponseCode(401));
        e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.serverMessage()).isNull();
        assertThat(e.getMessage()).isEqualTo("GET /v1/databases/db_1 failed: HTTP 401");

        server.enqueue(
                json(
                        400,
                        "{\"error\":{\"code\":\"NO_DECLARED_KEY\",\"message\":\"table has no declared key\","
                                + "\"details\":{\"errors\":[]}}}"));
        e = thrownBy(() -> client.getDatabase("db_1"));
        assertThat(HotdataErrorCodes.isNoDeclaredKey(e)).isTrue();
    }
}
