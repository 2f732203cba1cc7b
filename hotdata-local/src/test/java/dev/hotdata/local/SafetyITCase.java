package dev.hotdata.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * hotdata-local as a safe embedded default: the query sandbox, the Host header check, no public
 * bind with the default key, request body limits checked before the body is read.
 */
class SafetyITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
    @TempDir Path tmp;

    private final Api api = new Api(HOTDATA.server());

    private String dbWithTable() {
        String db =
                api.createDatabase(obj("name", "s", "default_schema", "sales")).get("id").asText();
        Api.Resp r =
                api.load(
                        db,
                        "sales",
                        "orders",
                        obj(
                                "mode",
                                "append",
                                "upload_id",
                                api.uploadParquet(
                                        tmp, "SELECT range AS id, range * 10 AS v FROM range(5)")));
        assertThat(r.status).isEqualTo(200);
        return db;
    }

    // ---------------------------------------------------------------- query sandbox

    @Test
    void fileNetworkAndSandboxUndoingSqlIsRefusedWithA400() throws IOException {
        String db = dbWithTable();
        // a table file of another database: the query must not reach it by path
        String otherDb = dbWithTable();
        Path dataDir = HOTDATA.dataDir().toAbsolutePath();
        String someTableFile;
        try (Stream<Path> files = Files.walk(dataDir.resolve("tables"))) {
            someTableFile =
                    files.filter(p -> p.toString().endsWith(".parquet"))
                            .findFirst()
                            .orElseThrow()
                            .toString();
        }
        assertThat(otherDb).isNotEqualTo(db);
        String state = dataDir.resolve("state.json").toString();
        String[] refused = {
            "SELECT * FROM read_text('/etc/passwd')",
            "SELECT content FROM read_text('" + state + "')",
            "SELECT * FROM read_blob('/proc/self/environ')",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM read_csv_auto('/etc/hosts')",
            "SELECT * FROM read_json('" + state + "')",
            "SELECT * FROM read_parquet('" + someTableFile + "')",
            "SELECT * FROM parquet_scan('" + someTableFile + "')",
            "SELECT * FROM parquet_metadata('" + someTableFile + "')",
            "SELECT * FROM '" + someTableFile + "'",
            "SELECT * FROM '/etc/passwd'",
            "SELECT * FROM glob('/*')",
            "SELECT * FROM read_parquet('https://example.com/x.parquet')",
            "SELECT * FROM 'https://example.com/x.csv'",
            "SELECT * FROM query('SELECT 1')",
            "WITH x AS (SELECT * FROM read_text('/etc/hosts')) SELECT * FROM x",
            "SELECT id, (SELECT count(*) FROM read_text('/etc/hosts')) FROM sales.orders",
            "SELECT * FROM sales.orders WHERE id IN (SELECT 1 FROM glob('/tmp/*'))",
            "COPY (SELECT 1) TO '/tmp/hotdata-local-escape.csv'",
            "COPY sales.orders TO '/tmp/hotdata-local-escape.csv'",
            "INSTALL httpfs",
            "LOAD httpfs",
            "SET enable_external_access = true",
            "SET lock_configuration = false",
            "RESET lock_configuration",
            "SET allowed_directories = ['/']",
            "PRAGMA enable_profiling",
            "ATTACH '/tmp/x.duckdb' AS x",
            "CALL read_text('/etc/passwd')",
            "EXPORT DATABASE '/tmp/hotdata-local-export'",
            "SELECT 1; SELECT * FROM read_text('/etc/passwd')"
        };
        for (String sql : refused) {
            Api.Resp r = api.query(db, sql);
            assertThat(r.status).as(sql + " → " + r).isEqualTo(400);
            assertThat(r.errorCode())
                    .as(sql + " → " + r)
                    .isIn("SQL_NOT_ALLOWED", "READ_ONLY", "BAD_REQUEST", "SQL_PARSE_ERROR");
            assertThat(r.text()).as(sql).doesNotContain("root:").doesNotContain("signing");
        }
        assertThat(Path.of("/tmp/hotdata-local-escape.csv")).doesNotExist();
        // the file functions answer the sandbox's own code and say why
        Api.Resp r = api.query(db, "SELECT * FROM read_text('/etc/passwd')");
        assertThat(r.errorCode()).isEqualTo("SQL_NOT_ALLOWED");
        assertThat(r.errorMessage()).contains("read_text");
        assertThat(api.query(db, "SELECT * FROM '/etc/passwd'").errorCode())
                .isEqualTo("SQL_NOT_ALLOWED");
        assertThat(api.query(db, "SET enable_external_access = true").errorCode())
                .isEqualTo("READ_ONLY");
    }

    @Test
    void ordinaryQueriesStillWork() {
        String db = dbWithTable();
        assertThat(api.rows(db, "SELECT count(*), sum(v) FROM sales.orders").get(0).toString())
                .isEqualTo("[5,100]");
        assertThat(
                        api.rows(
                                        db,
                                        "WITH a AS (SELECT id, v FROM orders WHERE id < 3)"
                                                + " SELECT a.id, b.v FROM a JOIN default.sales.orders b"
                                                + " USING (id) ORDER BY a.id")
                                .size())
                .isEqualTo(3);
        assertThat(api.rows(db, "SELECT * FROM range(3)").size()).isEqualTo(3);
        assertThat(api.rows(db, "SELECT upper('read_text(x)') AS s").get(0).get(0).asText())
                .isEqualTo("READ_TEXT(X)");
        assertThat(
                        api.rows(
                                        db,
                                        "SELECT table_name FROM information_schema.tables"
                                                + " WHERE table_name = 'orders'")
                                .size())
                .isEqualTo(1);
        // a large sort spills into the query's own scratch directory
        assertThat(
                        api.rows(
                                        db,
                                        "SELECT count(*) FROM (SELECT range FROM range(2000000)"
                                                + " ORDER BY range DESC)")
                                .get(0)
                                .get(0)
                                .asLong())
                .isEqualTo(2_000_000L);
    }

    // ---------------------------------------------------------------- Host header

    @Test
    void aForeignHostHeaderIsRefusedBeforeAuthentication() throws IOException {
        int port = HOTDATA.server().port();
        String auth =
                "Authorization: Bearer "
                        + HOTDATA.apiKey()
                        + "\r\nX-Workspace-Id: "
                        + HOTDATA.workspaceId()
                        + "\r\n";
        for (String host :
                new String[] {
                    "evil.example:" + port,
                    "evil.example",
                    "127.0.0.1.nip.io:" + port,
                    "127.0.0.1:" + (port + 1),
                    "localhost"
                }) {
            Raw r = raw(port, "GET /v1/databases HTTP/1.1\r\nHost: " + host + "\r\n" + auth);
            assertThat(r.status).as(host).isEqualTo(403);
            assertThat(r.body).as(host).contains("HOST_NOT_ALLOWED");
            // refused before authentication: no key, same answer
            Raw noKey = raw(port, "GET /v1/databases HTTP/1.1\r\nHost: " + host + "\r\n");
            assertThat(noKey.status).as(host).isEqualTo(403);
        }
        Raw missing = raw(port, "GET /v1/databases HTTP/1.0\r\n" + auth);
        assertThat(missing.status).isEqualTo(403);
        for (String host :
                new String[] {
                    "127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port
                }) {
            Raw r = raw(port, "GET /v1/databases HTTP/1.1\r\nHost: " + host + "\r\n" + auth);
            assertThat(r.status).as(host).isEqualTo(200);
        }
        // the storage URLs the server mints name its own endpoint: they still work
        JsonNode up = api.post("/v1/uploads", obj("declared_size_bytes", 3)).json;
        String url = up.get("url").asText();
        assertThat(URI.create(url).getAuthority()).isEqualTo("127.0.0.1:" + port);
        assertThat(Api.put(url, new byte[] {1, 2, 3}).status).isEqualTo(200);
    }

    // ---------------------------------------------------------------- bind address and key

    @Test
    void aPublicHostWithTheDefaultKeyIsRefusedAtStart() {
        for (String host : new String[] {"0.0.0.0", "::", "192.168.1.10", "example.com"}) {
            assertThatThrownBy(() -> HotdataLocalServer.builder().host(host).dataDir(tmp).build())
                    .as(host)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--api-key")
                    .hasMessageContaining(HotdataLocalServer.DEFAULT_API_KEY);
        }
        // a key of one's own, or a loopback address, is fine
        HotdataLocalServer.builder().host("0.0.0.0").apiKey("secret-1").dataDir(tmp).build();
        for (String host : new String[] {"127.0.0.1", "localhost", "::1", "127.0.0.2"}) {
            HotdataLocalServer.builder().host(host).dataDir(tmp).build();
        }
        // the command line answers the same through the builder
        HotdataLocalMain.Options o =
                HotdataLocalMain.parse(
                        new String[] {"--data-dir", tmp.toString(), "--host", "0.0.0.0"});
        assertThatThrownBy(() -> o.builder.dataDir(tmp).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-loopback");
    }

    // ---------------------------------------------------------------- body limits

    @Test
    void oversizedBodiesGet413WithoutBeingRead() throws IOException {
        int port = HOTDATA.server().port();
        String head =
                "Host: 127.0.0.1:"
                        + port
                        + "\r\nAuthorization: Bearer "
                        + HOTDATA.apiKey()
                        + "\r\nX-Workspace-Id: "
                        + HOTDATA.workspaceId()
                        + "\r\nContent-Type: application/json\r\n";
        // a declared length far beyond the limit: answered at once, no body byte sent
        Raw big =
                raw(
                        port,
                        "POST /v1/query HTTP/1.1\r\n"
                                + head
                                + "Content-Length: "
                                + (1L << 30)
                                + "\r\n");
        assertThat(big.status).isEqualTo(413);
        assertThat(big.body).contains("PAYLOAD_TOO_LARGE");

        // unauthenticated: refused (401) without waiting for the body
        Raw anon =
                raw(
                        port,
                        "POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1:"
                                + port
                                + "\r\nContent-Length: 1000000\r\n");
        assertThat(anon.status).isEqualTo(401);

        // a storage PUT beyond the upload's limit (single upload: 8 MiB)
        JsonNode up = api.post("/v1/uploads", obj("declared_size_bytes", 10)).json;
        URI url = URI.create(up.get("url").asText());
        Raw put =
                raw(
                        port,
                        "PUT "
                                + url.getRawPath()
                                + "?"
                                + url.getRawQuery()
                                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                                + port
                                + "\r\nContent-Length: "
                                + (9L * 1024 * 1024)
                                + "\r\n");
        assertThat(put.status).isEqualTo(413);
        assertThat(put.body).contains("EntityTooLarge");

        // a bad signature: refused before the body is read
        Raw forged =
                raw(
                        port,
                        "PUT "
                                + url.getRawPath()
                                + "?expires=9999999999999&sig=forged HTTP/1.1\r\nHost: 127.0.0.1:"
                                + port
                                + "\r\nContent-Length: 1000000\r\n");
        assertThat(forged.status).isEqualTo(403);
        assertThat(forged.body).contains("SignatureDoesNotMatch");

        // a body within the limits still works
        assertThat(Api.put(url.toString(), new byte[10]).status).isEqualTo(200);
        String db = dbWithTable();
        assertThat(api.rows(db, "SELECT 1").size()).isEqualTo(1);
    }

    @Test
    void aChunkedBodyIsCutAtTheLimit() throws IOException {
        int port = HOTDATA.server().port();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(
                    ("POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1:"
                                    + port
                                    + "\r\nAuthorization: Bearer "
                                    + HOTDATA.apiKey()
                                    + "\r\nX-Workspace-Id: "
                                    + HOTDATA.workspaceId()
                                    + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            String size = Integer.toHexString(chunk.length) + "\r\n";
            long[] sent = new long[1];
            long total = 64L * 1024 * 1024; // far more than the API limit (5 MiB by default)
            Thread writer =
                    new Thread(
                            () -> {
                                try {
                                    while (sent[0] < total) {
                                        out.write(size.getBytes(StandardCharsets.US_ASCII));
                                        out.write(chunk);
                                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                                        sent[0] += chunk.length;
                                    }
                                } catch (IOException e) {
                                    // the server stopped reading and closed: expected
                                }
                            });
            writer.start();
            InputStream in = s.getInputStream();
            String status = line(in);
            assertThat(status).contains(" 413 ");
            writer.join(30_000);
            assertThat(writer.isAlive()).as("the server kept reading").isFalse();
            assertThat(sent[0]).isLessThan(total);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- raw HTTP

    private static final class Raw {
        final int status;
        final String body;

        Raw(int status, String body) {
            this.status = status;
            this.body = body;
        }
    }

    /** Sends a request head (no body) and reads the answer: status line, headers, body. */
    private static Raw raw(int port, String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String statusLine = line(in);
            long length = -1;
            String l;
            while (!(l = line(in)).isEmpty()) {
                if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(l.substring(15).trim());
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (length > 0) {
                body.write(in.readNBytes((int) length));
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            return new Raw(status, body.toString(StandardCharsets.UTF_8));
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
