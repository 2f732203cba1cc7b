package dev.hotdata.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "No such route" (a plain 404 / 405 with no body, as the real server's router answers) against "no
 * such resource" (404 with the error envelope), and the canonical spelling of response header names
 * on the wire.
 */
class RoutesAndHeadersITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private final Api api = new Api(HOTDATA.server());

    @AfterEach
    void clear() {
        HOTDATA.server().faults().clear();
    }

    @Test
    void anUnknownRouteIsAPlain404() {
        for (String path :
                new String[] {"/v1/nonsense", "/v1/databases/x/nonsense", "/v1/databases/a/b"}) {
            Api.Resp r = api.get(path);
            assertThat(r.status).as(path).isEqualTo(404);
            assertThat(r.raw.body()).as(path).isEmpty();
            assertThat(r.errorCode()).as(path).isNull();
        }
        // a route that exists, with another method: 405 naming the methods it takes
        Api.Resp wrongMethod = api.delete("/v1/uploads");
        assertThat(wrongMethod.status).isEqualTo(405);
        assertThat(wrongMethod.raw.body()).isEmpty();
        assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
    }

    @Test
    void anUnknownResourceOnAKnownRouteIs404WithTheErrorEnvelope() {
        Api.Resp r = api.get("/v1/databases/dbid_nope");
        assertThat(r.status).isEqualTo(404);
        assertThat(r.errorCode()).isNotNull();
        assertThat(r.errorMessage()).contains("dbid_nope");
    }

    @Test
    void literalRoutesWinOverParameters() {
        // /v1/databases/count is a route of its own, not the database "count"
        Api.Resp count = api.get("/v1/databases/count");
        assertThat(count.status).isEqualTo(200);
        assertThat(count.json.has("total")).isTrue();
        // and it takes only GET: no DELETE of a database named "count"
        assertThat(api.delete("/v1/databases/count").status).isEqualTo(405);
    }

    @Test
    void responseHeaderNamesAreSentInCanonicalSpelling() throws IOException {
        HOTDATA.server().faults().failNext(1, "GET", "/v1/jobs", 429, 7, "OVERLOADED");
        String head = rawHead("GET", "/v1/jobs");
        assertThat(head).startsWith("HTTP/1.1 429");
        assertThat(head).contains("\r\nRetry-After: 7\r\n");
        assertThat(head).contains("\r\nContent-Type: application/json\r\n");
        assertThat(head).contains("\r\nContent-Length: ");
        assertThat(head).doesNotContain("Retry-after").doesNotContain("Content-type");
    }

    @Test
    void resultHeadersAreCanonicalToo() throws IOException {
        String db = api.createDatabase(obj("name", "h")).get("id").asText();
        Api.Resp q = api.query(db, "SELECT 1 AS x");
        assertThat(q.status).isEqualTo(200);
        String resultId = q.json.get("result_id").asText();
        Api.await(
                "result ready",
                java.time.Duration.ofSeconds(30),
                () -> api.get("/v1/results/" + resultId, "X-Database-Id", db).status == 200);
        String head = rawHead("GET", "/v1/results/" + resultId, "X-Database-Id: " + db);
        assertThat(head).startsWith("HTTP/1.1 200");
        assertThat(head).contains("\r\nX-Total-Row-Count: 1\r\n");
    }

    /** The status line and headers exactly as the bytes arrive. */
    private static String rawHead(String method, String path, String... extraHeaders)
            throws IOException {
        URI u = URI.create(HOTDATA.endpoint());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder();
            req.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            req.append("Host: ").append(u.getHost()).append(':').append(u.getPort()).append("\r\n");
            req.append("Authorization: Bearer ").append(HOTDATA.apiKey()).append("\r\n");
            req.append("X-Workspace-Id: ").append(HOTDATA.workspaceId()).append("\r\n");
            for (String h : extraHeaders) {
                req.append(h).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                String sofar = head.toString(StandardCharsets.US_ASCII);
                if (sofar.endsWith("\r\n\r\n")) {
                    return sofar;
                }
            }
            return head.toString(StandardCharsets.US_ASCII);
        }
    }
}
