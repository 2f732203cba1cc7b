package dev.hotdata.flink.connector.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Base of client tests: a MockWebServer on loopback, a fake clock and a client pointed at both. */
abstract class MockHotdata {

    static final String KEY = "hd_test_SECRET_key_0123456789abcdef";
    static final String WORKSPACE = "ws_test";

    /** Independent of the client's mapper, so tests compare against plain JSON. */
    static final ObjectMapper PLAIN = new ObjectMapper();

    MockWebServer server;
    FakeClock clock;
    HotdataClient client;

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        clock = new FakeClock();
        client = new HotdataClient(config().build(), clock);
    }

    @AfterEach
    void stopServer() throws IOException {
        client.close();
        server.shutdown();
    }

    /** Config pointing at the mock server; fast retries bounded by the fake clock. */
    HotdataClientConfig.Builder config() {
        return HotdataClientConfig.builder()
                .endpoint(server.url("/").toString())
                .apiKey(KEY)
                .workspaceId(WORKSPACE)
                .readTimeout(Duration.ofSeconds(5))
                .retryPolicy(
                        RetryPolicy.builder()
                                .maxRetries(3)
                                .initialBackoff(Duration.ofMillis(100))
                                .maxBackoff(Duration.ofSeconds(2))
                                .deadline(Duration.ofSeconds(30))
                                .build());
    }

    void useConfig(HotdataClientConfig cfg) {
        client.close();
        client = new HotdataClient(cfg, clock);
    }

    static MockResponse json(int status, String body) {
        return new MockResponse()
                .setResponseCode(status)
                .setHeader("Content-Type", "application/json")
                .setBody(body);
    }

    static MockResponse error(int status, String code, String message) {
        return json(
                status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }

    RecordedRequest take() throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).as("expected a request").isNotNull();
        return r;
    }

    /** Takes the next request and checks the API auth headers. */
    RecordedRequest takeApi(String method, String path) throws InterruptedException {
        RecordedRequest r = take();
        assertThat(r.getMethod()).isEqualTo(method);
        assertThat(r.getPath()).isEqualTo(path);
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(r.getHeader("X-Workspace-Id")).isEqualTo(WORKSPACE);
        return r;
    }

    static JsonNode body(RecordedRequest r) throws IOException {
        return PLAIN.readTree(r.getBody().readUtf8());
    }

    static JsonNode tree(String json) throws IOException {
        return PLAIN.readTree(json);
    }
}
