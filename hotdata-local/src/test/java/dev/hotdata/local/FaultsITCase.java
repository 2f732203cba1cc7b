package dev.hotdata.local;

import dev.hotdata.local.fault.FaultRule;
import dev.hotdata.local.fault.RequestLogEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fault injection, request log, restart. */
class FaultsITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
    @TempDir Path tmp;

    private final Api api = new Api(HOTDATA.server());

    @AfterEach
    void clear() {
        HOTDATA.server().faults().clear();
    }

    @Test
    void failNextWithRetryAfter() {
        FaultRule rule =
                HOTDATA.server().faults().failNext(2, "POST", "/v1/query", 429, 1, "OVERLOADED");
        String db = api.createDatabase().get("id").asText();
        for (int i = 0; i < 2; i++) {
            Api.Resp r = api.query(db, "SELECT 1");
            assertThat(r.status).isEqualTo(429);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.errorCode()).isEqualTo("OVERLOADED");
        }
        assertThat(api.query(db, "SELECT 1").status).isEqualTo(200);
        assertThat(rule.hits()).isEqualTo(2);
        assertThat(rule.remaining()).isZero();
        // method filter and storage faults
        HOTDATA.server().faults().failNext(1, "PUT", "/_storage/.*", 503);
        Api.Resp s = api.post("/v1/uploads", obj("declared_size_bytes", 3));
        assertThat(Api.put(s.json.get("url").asText(), new byte[] {1, 2, 3}).status).isEqualTo(503);
        assertThat(Api.put(s.json.get("url").asText(), new byte[] {1, 2, 3}).status).isEqualTo(200);
    }

    @Test
    void delayAndRequestLog() {
        HOTDATA.server().faults().delayNext(1, "GET", "/v1/databases", Duration.ofMillis(400));
        long start = System.nanoTime();
        assertThat(api.get("/v1/databases").status).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(Duration.ofMillis(400));

        HOTDATA.server().requestLog().clear();
        String db = api.createDatabase().get("id").asText();
        byte[] parquet = Api.parquet(tmp, "SELECT range AS id FROM range(1000)");
        String up = api.upload(parquet, "application/parquet");
        api.load(db, "s", "t", obj("mode", "append", "upload_id", up));
        api.load(db, "s", "t", obj("mode", "append", "upload_id", up));
        assertThat(HOTDATA.server().requestLog().count("POST", "/v1/databases/.*/loads"))
                .isEqualTo(2);
        assertThat(HOTDATA.server().requestLog().requestBytes("PUT", "/_storage/.*"))
                .isEqualTo(parquet.length);
        List<RequestLogEntry> loads = HOTDATA.server().requestLog().matching("POST", ".*/loads");
        // default reading REPLAY: the re-sent upload is answered from its receipt
        assertThat(loads.get(0).replayed()).isFalse();
        assertThat(loads.get(1).status()).isEqualTo(200);
        assertThat(loads.get(1).replayed()).isTrue();
        assertThat(HOTDATA.server().requestLog().countReplayed("POST", ".*/loads")).isEqualTo(1);
    }

    @Test
    void applyThenDropConnection() {
        String db = api.createDatabase().get("id").asText();
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        FaultRule drop =
                HOTDATA.server().faults().dropAfterApply(1, "POST", "/v1/databases/.*/loads");
        assertThatThrownBy(() -> api.load(db, "s", "t", obj("mode", "append", "upload_id", up)))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(drop.hits()).isEqualTo(1);
        // the load was applied: the data is there and the retry gets the original answer
        assertThat(api.rows(db, "SELECT count(*) FROM s.t").toString()).isEqualTo("[[1]]");
        Api.Resp retry = api.load(db, "s", "t", obj("mode", "append", "upload_id", up));
        assertThat(retry.status).isEqualTo(200);
        assertThat(retry.json.get("row_count").asLong()).isEqualTo(1);
        assertThat(api.rows(db, "SELECT count(*) FROM s.t").toString()).isEqualTo("[[1]]");
        List<RequestLogEntry> log =
                HOTDATA.server().requestLog().matching("POST", "/v1/databases/" + db + "/.*/loads");
        assertThat(log.get(0).dropped()).isTrue();
        assertThat(log.get(0).status()).isEqualTo(200);
    }

    @Test
    void controlEndpoint() {
        Api.Resp noAuth =
                api.withKey("bad")
                        .post(
                                "/_local/faults",
                                obj("kind", "fail", "path", "/v1/databases", "status", 503));
        assertThat(noAuth.status).isEqualTo(401);
        Api.Resp add =
                api.post(
                        "/_local/faults",
                        obj(
                                "kind",
                                "fail",
                                "method",
                                "GET",
                                "path",
                                "/v1/databases",
                                "status",
                                503,
                                "times",
                                1,
                                "retry_after_seconds",
                                2));
        assertThat(add.status).isEqualTo(204);
        Api.Resp failed = api.get("/v1/databases");
        assertThat(failed.status).isEqualTo(503);
        assertThat(failed.header("Retry-After")).isEqualTo("2");
        assertThat(api.get("/v1/databases").status).isEqualTo(200);
        assertThat(api.get("/_local/requests").json.get("requests").size()).isGreaterThan(0);
        String db = api.createDatabase().get("id").asText();
        assertThat(
                        api.post(
                                        "/_local/faults",
                                        obj(
                                                "kind",
                                                "lock",
                                                "database_id",
                                                db,
                                                "duration_ms",
                                                60000))
                                .status)
                .isEqualTo(204);
        assertThat(api.load(db, "s", "t", obj("mode", "append", "data", "a\n1\n")).errorCode())
                .isEqualTo("RESOURCE_LOCKED");
    }

    @Test
    void restartKeepsDataAndPort() {
        String db = api.createDatabase(obj("name", "durable")).get("id").asText();
        api.load(
                db,
                "s",
                "t",
                obj(
                        "mode",
                        "append",
                        "upload_id",
                        api.uploadParquet(tmp, "SELECT range AS id FROM range(7)")));
        String ready = api.uploadParquet(tmp, "SELECT 100::BIGINT AS id");
        String result =
                api.query(db, "SELECT id FROM s.t WHERE id < 2").json.get("result_id").asText();
        String endpoint = HOTDATA.endpoint();
        HOTDATA.server().restart();
        assertThat(HOTDATA.endpoint()).isEqualTo(endpoint);
        assertThat(api.get("/v1/databases/" + db).json.get("name").asText()).isEqualTo("durable");
        assertThat(api.rows(db, "SELECT count(*) FROM s.t").toString()).isEqualTo("[[7]]");
        // a finalized upload survives and is still loadable exactly once
        assertThat(
                        api.load(db, "s", "t", obj("mode", "append", "upload_id", ready))
                                .json
                                .get("row_count")
                                .asLong())
                .isEqualTo(8);
        assertThat(
                        api.get("/v1/results/" + result, "X-Database-Id", db)
                                .json
                                .get("rows")
                                .toString())
                .isEqualTo("[[0],[1]]");
        HOTDATA.server().restart();
        // the receipt survives the restart: the re-send is answered with the original 200
        Api.Resp again = api.load(db, "s", "t", obj("mode", "append", "upload_id", ready));
        assertThat(again.status).isEqualTo(200);
        assertThat(again.json.get("row_count").asLong()).isEqualTo(8);
        assertThat(api.rows(db, "SELECT count(*) FROM s.t").toString()).isEqualTo("[[8]]");
    }
}
