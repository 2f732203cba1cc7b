package dev.hotdata.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A small test client for hotdata-local over real HTTP (java.net.http). */
final class Api {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final String endpoint;
    final String key;
    final String workspace;

    Api(HotdataLocalServer s) {
        this(s.endpoint(), s.apiKey(), s.workspaceId());
    }

    Api(String endpoint, String key, String workspace) {
        this.endpoint = endpoint;
        this.key = key;
        this.workspace = workspace;
    }

    Api withWorkspace(String ws) {
        return new Api(endpoint, key, ws);
    }

    Api withKey(String k) {
        return new Api(endpoint, k, workspace);
    }

    /** A response: status, headers and the body parsed as JSON when it is JSON. */
    static final class Resp {
        final int status;
        final HttpResponse<byte[]> raw;
        final JsonNode json;

        Resp(HttpResponse<byte[]> raw) {
            this.raw = raw;
            this.status = raw.statusCode();
            JsonNode j = null;
            String ct = raw.headers().firstValue("Content-Type").orElse("");
            if (ct.contains("json") && raw.body().length > 0) {
                try {
                    j = MAPPER.readTree(raw.body());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            this.json = j;
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String errorCode() {
            return json == null ? null : json.path("error").path("code").asText(null);
        }

        String errorMessage() {
            return json == null ? null : json.path("error").path("message").asText(null);
        }

        String text() {
            return new String(raw.body(), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (workspace != null) {
            b.header("X-Workspace-Id", workspace);
        }
        return b;
    }

    static Resp send(HttpRequest r) {
        try {
            return new Resp(HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Resp get(String path, String... headers) {
        HttpRequest.Builder b = request(path).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    Resp delete(String path) {
        return send(request(path).DELETE().build());
    }

    Resp post(String path, JsonNode body, String... headers) {
        HttpRequest.Builder b =
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** A storage PUT exactly as a client would send it: no auth headers. */
    static Resp put(String url, byte[] bytes, String... headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static ObjectNode obj(Object... kv) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < kv.length; i += 2) {
            o.set((String) kv[i], MAPPER.valueToTree(kv[i + 1]));
        }
        return o;
    }

    static ArrayNode arr(Object... values) {
        return MAPPER.valueToTree(values);
    }

    // ---------------------------------------------------------------- flows

    /** Creates a database; returns its detail (id, default_connection_id, ...). */
    JsonNode createDatabase(ObjectNode body) {
        Resp r = post("/v1/databases", body);
        if (r.status != 201) {
            throw new AssertionError("create database: " + r);
        }
        return r.json;
    }

    JsonNode createDatabase() {
        return createDatabase(obj("name", "test"));
    }

    /** Single-PUT upload + finalize; returns the upload id. */
    String upload(byte[] bytes, String contentType) {
        Resp s =
                post(
                        "/v1/uploads",
                        obj("declared_size_bytes", bytes.length, "content_type", contentType));
        if (s.status != 201) {
            throw new AssertionError("create upload: " + s);
        }
        Resp p = put(s.json.get("url").asText(), bytes);
        if (p.status != 200) {
            throw new AssertionError("put: " + p);
        }
        Resp f =
                post(
                        "/v1/uploads/" + s.json.get("upload_id").asText() + "/finalize",
                        obj(),
                        "X-Upload-Finalize-Token",
                        s.json.get("finalize_token").asText());
        if (f.status != 200) {
            throw new AssertionError("finalize: " + f);
        }
        return s.json.get("upload_id").asText();
    }

    String uploadParquet(Path dir, String selectSql) {
        return upload(parquet(dir, selectSql), "application/vnd.apache.parquet");
    }

    Resp load(String db, String schema, String table, ObjectNode body) {
        return post(
                "/v1/databases/" + db + "/schemas/" + schema + "/tables/" + table + "/loads", body);
    }

    Resp query(String db, String sql) {
        return post("/v1/query", obj("sql", sql), "X-Database-Id", db);
    }

    /** Runs a query that must succeed; returns its rows. */
    JsonNode rows(String db, String sql) {
        Resp r = query(db, sql);
        if (r.status != 200) {
            throw new AssertionError("query " + sql + ": " + r);
        }
        return r.json.get("rows");
    }

    /** Bytes of a Parquet file written by DuckDB from a SELECT. */
    static byte[] parquet(Path dir, String selectSql) {
        try {
            Path f = Files.createTempFile(dir, "t-", ".parquet");
            Files.delete(f);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    Statement s = c.createStatement()) {
                s.execute("SET TimeZone='UTC'");
                s.execute(
                        "COPY ("
                                + selectSql
                                + ") TO '"
                                + f.toAbsolutePath()
                                + "' (FORMAT parquet)");
            }
            byte[] b = Files.readAllBytes(f);
            Files.delete(f);
            return b;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls a condition until true or the deadline passes. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
