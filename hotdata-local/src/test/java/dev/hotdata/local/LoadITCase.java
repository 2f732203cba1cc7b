package dev.hotdata.local;

import dev.hotdata.local.fault.LockHold;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.hotdata.local.Api.arr;
import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loads: modes, sources, validation, schema evolution, claims, locks, async jobs. */
class LoadITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
    @TempDir Path tmp;

    private final Api api = new Api(HOTDATA.server());

    /** A database whose default schema is {@code public}, so SQL can say {@code t}. */
    private String db() {
        return api.createDatabase(obj("name", "load", "default_schema", "public"))
                .get("id")
                .asText();
    }

    private String up(String sql) {
        return api.uploadParquet(tmp, sql);
    }

    private Api.Resp load(String db, String table, Object... kv) {
        return api.load(db, "public", table, obj(kv));
    }

    private String rows(String db, String sql) {
        return api.rows(db, sql).toString();
    }

    /**
     * A server killed after placing an upload's file in the table directory and before the state
     * write must still hold the upload: the retried load publishes it. (It used to move the file,
     * which the start-up sweep then deleted, so the retry failed with INVALID_PARQUET.)
     */
    @Test
    void aLoadCutShortByACrashCanBeRetriedAfterTheRestart() throws Exception {
        String db = db();
        String upload = up("SELECT range AS id FROM range(5)");
        HOTDATA.server().faults().crashBeforePublish(1);
        assertThatThrownBy(() -> load(db, "t", "mode", "append", "upload_id", upload))
                .isInstanceOf(java.io.UncheckedIOException.class);
        HOTDATA.server().restart();

        Api.Resp retry = load(db, "t", "mode", "append", "upload_id", upload);
        assertThat(retry.status).isEqualTo(200);
        assertThat(retry.json.get("row_count").asLong()).isEqualTo(5);
        assertThat(rows(db, "SELECT count(*), sum(id) FROM t")).isEqualTo("[[5,10]]");
        // claimed once: a third attempt is answered from the receipt and applies nothing
        Api.Resp third = load(db, "t", "mode", "append", "upload_id", upload);
        assertThat(third.status).isEqualTo(200);
        assertThat(third.json).isEqualTo(retry.json);
        assertThat(rows(db, "SELECT count(*), sum(id) FROM t")).isEqualTo("[[5,10]]");
    }

    @Test
    void replaceAppendAndRowCount() {
        String db = db();
        Api.Resp r1 =
                load(
                        db,
                        "t",
                        "mode",
                        "replace",
                        "upload_id",
                        up("SELECT range AS id, 'a' AS v FROM range(3)"));
        assertThat(r1.status).isEqualTo(200);
        assertThat(r1.json.get("row_count").asLong()).isEqualTo(3);
        assertThat(r1.json.get("schema_name").asText()).isEqualTo("public");
        assertThat(r1.json.get("table_name").asText()).isEqualTo("t");
        assertThat(api.createDatabase().get("id").asText()).isNotEqualTo(db);
        Api.Resp r2 =
                load(
                        db,
                        "t",
                        "mode",
                        "append",
                        "upload_id",
                        up("SELECT 10::BIGINT AS id, 'b' AS v"));
        assertThat(r2.json.get("row_count").asLong()).isEqualTo(4);
        assertThat(rows(db, "SELECT id, v FROM t ORDER BY id"))
                .isEqualTo("[[0,\"a\"],[1,\"a\"],[2,\"a\"],[10,\"b\"]]");
        Api.Resp r3 =
                load(
                        db,
                        "t",
                        "mode",
                        "replace",
                        "upload_id",
                        up("SELECT 7::BIGINT AS id, 'c' AS v"));
        assertThat(r3.json.get("row_count").asLong()).isEqualTo(1);
        // zero-row replace empties the table
        Api.Resp r4 =
                load(
                        db,
                        "t",
                        "mode",
                        "replace",
                        "upload_id",
                        up("SELECT 1::BIGINT AS id, 'x' AS v WHERE false"));
        assertThat(r4.json.get("row_count").asLong()).isZero();
        assertThat(rows(db, "SELECT count(*) FROM t")).isEqualTo("[[0]]");
    }

    @Test
    void parquetAppendIsPublishedWithoutReencoding() throws Exception {
        String db = db();
        byte[] bytes = Api.parquet(tmp, "SELECT range AS id FROM range(100)");
        String upload = api.upload(bytes, "application/octet-stream");
        assertThat(load(db, "raw", "mode", "append", "upload_id", upload).status).isEqualTo(200);
        // the uploaded file itself is now one of the table's files
        java.util.List<Path> files;
        try (java.util.stream.Stream<Path> s =
                java.nio.file.Files.walk(HOTDATA.dataDir().resolve("tables"))) {
            files =
                    s.filter(java.nio.file.Files::isRegularFile)
                            .collect(java.util.stream.Collectors.toList());
        }
        boolean identical = false;
        for (Path f : files) {
            identical |= java.util.Arrays.equals(java.nio.file.Files.readAllBytes(f), bytes);
        }
        assertThat(identical).isTrue();
    }

    @Test
    void keyedModes() {
        String db = db();
        api.post(
                "/v1/databases/" + db + "/schemas",
                obj("name", "public", "tables", arr(obj("name", "k", "key", arr("id")))));
        assertThat(
                        load(
                                        db,
                                        "k",
                                        "mode",
                                        "upsert",
                                        "upload_id",
                                        up(
                                                "SELECT range AS id, 'v' || range AS v, range * 10 AS n FROM range(4)"))
                                .json
                                .get("row_count")
                                .asLong())
                .isEqualTo(4);
        Api.Resp ups =
                load(
                        db,
                        "k",
                        "mode",
                        "upsert",
                        "upload_id",
                        up(
                                "SELECT * FROM (VALUES (1::BIGINT, 'new1', 100::BIGINT), (9, 'new9', 900)) t(id, v, n)"));
        assertThat(ups.json.get("row_count").asLong()).isEqualTo(5);
        assertThat(rows(db, "SELECT id, v, n FROM k ORDER BY id"))
                .isEqualTo(
                        "[[0,\"v0\",0],[1,\"new1\",100],[2,\"v2\",20],[3,\"v3\",30],[9,\"new9\",900]]");
        // update: only matching rows, only the columns the load carries; unknown keys ignored
        Api.Resp upd =
                load(
                        db,
                        "k",
                        "mode",
                        "update",
                        "upload_id",
                        up("SELECT * FROM (VALUES (2::BIGINT, 'upd2'), (77, 'ignored')) t(id, v)"));
        assertThat(upd.json.get("row_count").asLong()).isEqualTo(5);
        assertThat(rows(db, "SELECT id, v, n FROM k WHERE id IN (2, 77) ORDER BY id"))
                .isEqualTo("[[2,\"upd2\",20]]");
        // delete: the file may hold only the key
        Api.Resp del =
                load(
                        db,
                        "k",
                        "mode",
                        "delete",
                        "upload_id",
                        up("SELECT * FROM (VALUES (0::BIGINT), (3)) t(id)"));
        assertThat(del.json.get("row_count").asLong()).isEqualTo(3);
        assertThat(rows(db, "SELECT id FROM k ORDER BY id")).isEqualTo("[[1],[2],[9]]");
    }

    @Test
    void keyValidation() {
        String db = db();
        assertThat(
                        load(
                                        db,
                                        "nokey",
                                        "mode",
                                        "append",
                                        "upload_id",
                                        up("SELECT 1::BIGINT AS id"))
                                .status)
                .isEqualTo(200);
        String u = up("SELECT 1::BIGINT AS id");
        Api.Resp noKey = load(db, "nokey", "mode", "upsert", "upload_id", u);
        assertThat(noKey.status).isEqualTo(400);
        assertThat(noKey.errorCode()).isEqualTo("NO_DECLARED_KEY");
        assertThat(noKey.errorMessage()).contains("no declared key");

        api.post(
                "/v1/databases/" + db + "/schemas/public/tables",
                obj("name", "keyed", "key", arr("id")));
        Api.Resp dup =
                load(
                        db,
                        "keyed",
                        "mode",
                        "upsert",
                        "upload_id",
                        up("SELECT * FROM (VALUES (1::BIGINT), (1)) t(id)"));
        assertThat(dup.status).isEqualTo(400);
        assertThat(dup.errorCode()).isEqualTo("DUPLICATE_KEY");
        Api.Resp nul =
                load(
                        db,
                        "keyed",
                        "mode",
                        "upsert",
                        "upload_id",
                        up("SELECT * FROM (VALUES (1::BIGINT), (NULL)) t(id)"));
        assertThat(nul.status).isEqualTo(400);
        assertThat(nul.errorCode()).isEqualTo("NULL_KEY");
        // a per-load key other than the table's is accepted, but its columns must exist
        Api.Resp otherKey =
                load(db, "keyed", "mode", "upsert", "key", arr("other"), "upload_id", u);
        assertThat(otherKey.status).isEqualTo(400);
        assertThat(otherKey.errorCode()).isEqualTo("KEY_COLUMN_MISSING");
        Api.Resp missingCol =
                load(db, "keyed", "mode", "upsert", "upload_id", up("SELECT 1 AS other"));
        assertThat(missingCol.status).isEqualTo(400);
        // a per-load key works on a table without a declared key
        assertThat(load(db, "nokey", "mode", "upsert", "key", arr("id"), "upload_id", u).status)
                .isEqualTo(200);
    }

    /**
     * A per-load {@code key} other than the table's is accepted and re-targets which rows that load
     * matches (sdk-python {@code LoadManagedTableRequest.key}: "changing it re-targets which rows
     * are matched"); the table's own key is unchanged for loads that omit it.
     */
    @Test
    void aPerLoadKeyOtherThanTheTablesRetargetsTheMatch() {
        String db = db();
        assertThat(
                        api.post(
                                        "/v1/databases/" + db + "/schemas",
                                        obj(
                                                "name",
                                                "public",
                                                "tables",
                                                arr(obj("name", "rt", "key", arr("a")))))
                                .status)
                .isEqualTo(201);
        assertThat(
                        load(
                                        db,
                                        "rt",
                                        "mode",
                                        "upsert",
                                        "upload_id",
                                        up(
                                                "SELECT * FROM (VALUES (1::BIGINT, 1::BIGINT, 'x'),"
                                                        + " (2, 1, 'y')) t(a, b, v)"))
                                .status)
                .isEqualTo(200);
        // by [a, b]: (1, 2) matches nothing and is inserted, although a = 1 exists; (2, 1) is
        // replaced. By [a] alone (1, 2) would have replaced (1, 1).
        Api.Resp retargeted =
                load(
                        db,
                        "rt",
                        "mode",
                        "upsert",
                        "key",
                        arr("a", "b"),
                        "upload_id",
                        up(
                                "SELECT * FROM (VALUES (1::BIGINT, 2::BIGINT, 'z'), (2, 1, 'w')) t(a, b, v)"));
        assertThat(retargeted.status).isEqualTo(200);
        assertThat(retargeted.json.get("row_count").asLong()).isEqualTo(3);
        assertThat(rows(db, "SELECT a, b, v FROM rt ORDER BY a, b"))
                .isEqualTo("[[1,1,\"x\"],[1,2,\"z\"],[2,1,\"w\"]]");
        // a load without a key still matches by the table's key [a]: both a = 1 rows go
        Api.Resp byTableKey =
                load(db, "rt", "mode", "delete", "upload_id", up("SELECT 1::BIGINT AS a"));
        assertThat(byTableKey.status).isEqualTo(200);
        assertThat(rows(db, "SELECT a, b, v FROM rt ORDER BY a, b")).isEqualTo("[[2,1,\"w\"]]");
    }

    @Test
    void schemaEvolution() {
        String db = db();
        load(
                db,
                "e",
                "mode",
                "append",
                "upload_id",
                up("SELECT 1::INTEGER AS id, 1.50::DECIMAL(5,2) AS amount"));
        // widening: INTEGER → BIGINT, DECIMAL(5,2) → DECIMAL(12,2); new column added as nullable
        Api.Resp wide =
                load(
                        db,
                        "e",
                        "mode",
                        "append",
                        "upload_id",
                        up(
                                "SELECT 5000000000::BIGINT AS id, 1234567.25::DECIMAL(12,2) AS amount, 'new' AS note"));
        assertThat(wide.status).isEqualTo(200);
        JsonNode cols =
                api.get(
                                "/v1/information_schema?connection_id="
                                        + conn(db)
                                        + "&table=e&include_columns=true")
                        .json
                        .get("tables")
                        .get(0)
                        .get("columns");
        assertThat(cols.toString())
                .contains("\"Int64\"")
                .contains("Decimal128(12, 2)")
                .contains("\"note\"");
        assertThat(rows(db, "SELECT id, amount, note FROM e ORDER BY id"))
                .isEqualTo("[[1,\"1.50\",null],[5000000000,\"1234567.25\",\"new\"]]");
        // a load without a column: it is NULL for those rows
        assertThat(
                        load(db, "e", "mode", "append", "upload_id", up("SELECT 7::BIGINT AS id"))
                                .status)
                .isEqualTo(200);
        assertThat(rows(db, "SELECT amount, note FROM e WHERE id = 7")).isEqualTo("[[null,null]]");
        // narrowing and incompatible changes: 409, table unchanged, upload not consumed
        String narrow = up("SELECT 1::BIGINT AS id, 1.5::DECIMAL(5,2) AS amount");
        Api.Resp n = load(db, "e", "mode", "replace", "upload_id", narrow);
        assertThat(n.status).isEqualTo(409);
        assertThat(n.errorCode()).isEqualTo("INCOMPATIBLE_SCHEMA");
        assertThat(load(db, "e", "mode", "append", "upload_id", up("SELECT 'text' AS id")).status)
                .isEqualTo(409);
        assertThat(rows(db, "SELECT count(*) FROM e")).isEqualTo("[[3]]");
        assertThat(load(db, "other", "mode", "append", "upload_id", narrow).status).isEqualTo(200);
    }

    @Test
    void timestampsKeepTheirZone() {
        String db = db();
        load(
                db,
                "ts",
                "mode",
                "append",
                "upload_id",
                up(
                        "SELECT TIMESTAMPTZ '2024-05-01 12:00:00.123456+00' AS at_utc, TIMESTAMP '2024-05-01 12:00:00' AS local_ts, DATE '2024-05-01' AS d"));
        JsonNode cols =
                api.get(
                                "/v1/information_schema?connection_id="
                                        + conn(db)
                                        + "&table=ts&include_columns=true")
                        .json
                        .get("tables")
                        .get(0)
                        .get("columns");
        assertThat(cols.get(0).get("data_type").asText())
                .isEqualTo("Timestamp(Microsecond, Some(\"UTC\"))");
        assertThat(cols.get(1).get("data_type").asText()).isEqualTo("Timestamp(Microsecond, None)");
        assertThat(cols.get(2).get("data_type").asText()).isEqualTo("Date32");
        assertThat(rows(db, "SELECT * FROM ts"))
                .isEqualTo(
                        "[[\"2024-05-01T12:00:00.123456Z\",\"2024-05-01T12:00:00.000000\",\"2024-05-01\"]]");
        assertThat(rows(db, "SELECT typeof(at_utc) FROM ts")).contains("TIME ZONE");
    }

    @Test
    void sourceValidationAndInline() {
        String db = db();
        String u = up("SELECT 1 AS a");
        assertThat(load(db, "i", "mode", "append").errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(load(db, "i", "mode", "append", "upload_id", u, "data", "a\n1\n").errorCode())
                .isEqualTo("INVALID_SOURCE");
        assertThat(load(db, "i", "mode", "merge", "upload_id", u).errorCode())
                .isEqualTo("INVALID_MODE");
        assertThat(
                        load(
                                        db,
                                        "i",
                                        "mode",
                                        "append",
                                        "upload_id",
                                        u,
                                        "columns",
                                        obj("a", "BIGINT"))
                                .status)
                .isEqualTo(400);
        assertThat(load(db, "i", "mode", "append", "upload_id", "upldnope").status).isEqualTo(404);
        assertThat(load(db, "i", "mode", "append", "upload_id", u, "async_after_ms", 2000).status)
                .isEqualTo(400);
        assertThat(load(db, "bad-name", "mode", "append", "upload_id", u).errorCode())
                .isEqualTo("INVALID_IDENTIFIER");

        Api.Resp inline =
                load(
                        db,
                        "i",
                        "mode",
                        "append",
                        "data",
                        "a,b\n1,2.50\n3,4.25\n",
                        "columns",
                        obj(
                                "a",
                                "BIGINT",
                                "b",
                                obj("type", "DECIMAL", "precision", 10, "scale", 2)));
        assertThat(inline.status).isEqualTo(200);
        assertThat(rows(db, "SELECT a, b FROM i ORDER BY a"))
                .isEqualTo("[[1,\"2.50\"],[3,\"4.25\"]]");
        assertThat(
                        load(
                                        db,
                                        "i",
                                        "mode",
                                        "append",
                                        "data",
                                        "a,b\n1,2\n",
                                        "columns",
                                        obj("a", "BIGINT"))
                                .status)
                .isEqualTo(400);
        assertThat(
                        load(
                                        db,
                                        "i",
                                        "mode",
                                        "append",
                                        "data",
                                        "a\n1\n",
                                        "columns",
                                        obj("a", "WIDGET"))
                                .status)
                .isEqualTo(400);

        String big = "a\n" + "1\n".repeat(1024 * 1024 + 10);
        Api.Resp tooBig = load(db, "i", "mode", "append", "data", big);
        assertThat(tooBig.status).isEqualTo(413);
        assertThat(tooBig.errorCode()).isEqualTo("INLINE_DATA_TOO_LARGE");

        // idempotency_key: same data → original result, no second append; other data → 409
        Api.Resp k1 = load(db, "idem", "mode", "append", "data", "a\n1\n", "idempotency_key", "k1");
        Api.Resp k2 = load(db, "idem", "mode", "append", "data", "a\n1\n", "idempotency_key", "k1");
        assertThat(k2.status).isEqualTo(200);
        assertThat(k2.json).isEqualTo(k1.json);
        assertThat(rows(db, "SELECT count(*) FROM idem")).isEqualTo("[[1]]");
        assertThat(
                        load(
                                        db,
                                        "idem",
                                        "mode",
                                        "append",
                                        "data",
                                        "a\n2\n",
                                        "idempotency_key",
                                        "k1")
                                .status)
                .isEqualTo(409);
        assertThat(
                        load(db, "idem", "mode", "append", "upload_id", u, "idempotency_key", "k1")
                                .status)
                .isEqualTo(400);
    }

    @Test
    void csvAndNdjsonUploadsAreConverted() {
        String db = db();
        String csv =
                api.upload(
                        "id,name\n1,ann\n2,bob\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "text/csv");
        assertThat(load(db, "c", "mode", "append", "upload_id", csv).json.get("row_count").asLong())
                .isEqualTo(2);
        String json =
                api.upload(
                        "{\"id\":3,\"name\":\"cy\"}\n"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "application/json");
        assertThat(
                        load(db, "c", "mode", "append", "upload_id", json)
                                .json
                                .get("row_count")
                                .asLong())
                .isEqualTo(3);
        String garbage =
                api.upload(new byte[] {'P', 'A', 'R', '1', 0, 1, 2}, "application/parquet");
        Api.Resp bad = load(db, "c", "mode", "append", "upload_id", garbage);
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("INVALID_PARQUET");
    }

    @Test
    void uploadIsClaimedOnce() {
        String db = db();
        String u = up("SELECT 1::BIGINT AS id");
        Api.Resp first = load(db, "c1", "mode", "append", "upload_id", u);
        assertThat(first.status).isEqualTo(200);
        // default reading REPLAY: the original answer, whatever table the re-send names
        Api.Resp again = load(db, "c1", "mode", "append", "upload_id", u);
        assertThat(again.status).isEqualTo(200);
        assertThat(again.json).isEqualTo(first.json);
        assertThat(load(db, "c2", "mode", "append", "upload_id", u).json).isEqualTo(first.json);
        assertThat(rows(db, "SELECT count(*) FROM c1")).isEqualTo("[[1]]");
        assertThat(api.query(db, "SELECT count(*) FROM c2").errorCode())
                .isEqualTo("TABLE_NOT_FOUND");
        // an unfinalized upload is not loadable
        String open =
                api.post("/v1/uploads", obj("declared_size_bytes", 10))
                        .json
                        .get("upload_id")
                        .asText();
        assertThat(load(db, "c1", "mode", "append", "upload_id", open).errorCode())
                .isEqualTo("UPLOAD_NOT_FINALIZED");
    }

    @Test
    void writeLockIsPerDatabase() {
        String db = db();
        String other = db();
        String u = up("SELECT 1::BIGINT AS id");
        try (LockHold hold = HOTDATA.server().faults().holdLock(db)) {
            Api.Resp locked = load(db, "l", "mode", "append", "upload_id", u);
            assertThat(locked.status).isEqualTo(409);
            assertThat(locked.errorCode()).isEqualTo("RESOURCE_LOCKED");
            // other databases are not affected
            assertThat(load(other, "l", "mode", "append", "upload_id", up("SELECT 1 AS id")).status)
                    .isEqualTo(200);
        }
        // the 409 did not consume the upload
        assertThat(load(db, "l", "mode", "append", "upload_id", u).status).isEqualTo(200);
    }

    @Test
    void concurrentLoadsIntoOneDatabaseConflict() {
        String db = db();
        String u1 = up("SELECT 1::BIGINT AS id");
        String u2 = up("SELECT 2::BIGINT AS id");
        // a lock held for a while (as by a long load): loads 409 until it is released
        LockHold hold = HOTDATA.server().faults().holdLock(db, Duration.ofMillis(300));
        assertThat(load(db, "a", "mode", "append", "upload_id", u1).errorCode())
                .isEqualTo("RESOURCE_LOCKED");
        Api.await("lock released", Duration.ofSeconds(5), () -> !hold.isHeld());
        assertThat(load(db, "a", "mode", "append", "upload_id", u1).status).isEqualTo(200);
        assertThat(load(db, "b", "mode", "append", "upload_id", u2).status).isEqualTo(200);
    }

    @Test
    void asyncLoadsAndJobs() {
        String db = db();
        Api.Resp r =
                load(
                        db,
                        "j",
                        "mode",
                        "append",
                        "async",
                        true,
                        "upload_id",
                        up("SELECT range AS id FROM range(5)"));
        assertThat(r.status).isEqualTo(202);
        String job = r.json.get("id").asText();
        assertThat(r.json.get("status_url").asText()).isEqualTo("/v1/jobs/" + job);
        Api.await(
                "job done",
                Duration.ofSeconds(30),
                () -> api.get("/v1/jobs/" + job).json.get("status").asText().equals("succeeded"));
        JsonNode j = api.get("/v1/jobs/" + job).json;
        assertThat(j.get("job_type").asText()).isEqualTo("managed_load");
        assertThat(j.get("result").get("row_count").asLong()).isEqualTo(5);
        assertThat(j.get("result").has("arrow_schema_json")).isTrue();
        // async_after_ms: finishes in time → 200 with the load response
        Api.Resp quick =
                load(
                        db,
                        "j",
                        "mode",
                        "append",
                        "async",
                        true,
                        "async_after_ms",
                        5000,
                        "upload_id",
                        up("SELECT 9::BIGINT AS id"));
        assertThat(quick.status).isEqualTo(200);
        assertThat(quick.json.get("row_count").asLong()).isEqualTo(6);
        // a failing async job reports failed with the message
        Api.Resp failing =
                load(db, "j", "mode", "append", "async", true, "upload_id", up("SELECT 'x' AS id"));
        String fj = failing.json.get("id").asText();
        Api.await(
                "job failed",
                Duration.ofSeconds(30),
                () -> api.get("/v1/jobs/" + fj).json.get("status").asText().equals("failed"));
        assertThat(api.get("/v1/jobs/" + fj).json.get("error_message").asText())
                .contains("cannot change type");
        assertThat(api.get("/v1/jobs/jobsnope").status).isEqualTo(404);
        assertThat(api.get("/v1/jobs").json.get("jobs").size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void connectionScopedLoadAndResultReplace() {
        JsonNode dbj = api.createDatabase();
        String db = dbj.get("id").asText();
        String conn = dbj.get("default_connection_id").asText();
        Api.Resp c =
                api.post(
                        "/v1/connections/" + conn + "/schemas/public/tables/src/loads",
                        obj(
                                "mode",
                                "append",
                                "upload_id",
                                up("SELECT range AS id FROM range(10)")));
        assertThat(c.status).isEqualTo(200);
        assertThat(c.json.get("connection_id").asText()).isEqualTo(conn);
        Api.Resp q = api.query(db, "SELECT id * 2 AS id FROM public.src WHERE id < 3");
        String result = q.json.get("result_id").asText();
        Api.Resp rep = api.load(db, "public", "dst", obj("mode", "replace", "result_id", result));
        assertThat(rep.status).isEqualTo(200);
        assertThat(rep.json.get("row_count").asLong()).isEqualTo(3);
        assertThat(rows(db, "SELECT id FROM public.dst ORDER BY id")).isEqualTo("[[0],[2],[4]]");
        // results are reusable and database-scoped
        assertThat(
                        api.load(db, "public", "dst2", obj("mode", "replace", "result_id", result))
                                .status)
                .isEqualTo(200);
        assertThat(
                        api.load(db(), "public", "dst", obj("mode", "replace", "result_id", result))
                                .status)
                .isEqualTo(404);
        assertThat(
                        api.load(
                                        db,
                                        "public",
                                        "dst",
                                        obj(
                                                "mode",
                                                "replace",
                                                "result_id",
                                                result,
                                                "format",
                                                "parquet"))
                                .status)
                .isEqualTo(400);
    }

    private String conn(String db) {
        return api.get("/v1/databases/" + db).json.get("default_connection_id").asText();
    }

    /**
     * A table declared with a layout takes a 'replace' as its first load (the dlt destination's
     * README: "the API requires it"); after that every mode is accepted.
     */
    @Test
    void aLayoutTableTakesReplaceFirst() {
        String db = db();
        api.post(
                "/v1/databases/" + db + "/schemas",
                obj(
                        "name",
                        "public",
                        "tables",
                        arr(
                                obj(
                                        "name",
                                        "sorted",
                                        "sorted_by",
                                        arr(obj("column", "id", "direction", "asc"))))));
        Api.Resp first = load(db, "sorted", "mode", "append", "upload_id", up("SELECT 1 AS id"));
        assertThat(first.status).isEqualTo(400);
        assertThat(first.json.get("error").get("message").asText()).contains("replace");
        assertThat(load(db, "sorted", "mode", "replace", "upload_id", up("SELECT 1 AS id")).status)
                .isEqualTo(200);
        assertThat(load(db, "sorted", "mode", "append", "upload_id", up("SELECT 2 AS id")).status)
                .isEqualTo(200);
        assertThat(rows(db, "SELECT count(*) FROM sorted")).isEqualTo("[[2]]");
    }
}
