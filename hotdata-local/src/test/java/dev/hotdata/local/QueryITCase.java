package dev.hotdata.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** Queries, read-only rule, addressing, results, query runs, JSON value encoding. */
class QueryITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
    @TempDir Path tmp;

    private final Api api = new Api(HOTDATA.server());

    @AfterEach
    void reset() {
        HOTDATA.server().faults().resultDelay(Duration.ZERO);
    }

    private String dbWithTable() {
        String db =
                api.createDatabase(obj("name", "q", "default_schema", "sales")).get("id").asText();
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
                                        tmp,
                                        "SELECT range AS id, (range * 1.25)::DECIMAL(10,2) AS total FROM range(5)")));
        assertThat(r.status).isEqualTo(200);
        return db;
    }

    @Test
    void databaseIsRequiredAndAddressing() {
        String db = dbWithTable();
        Api.Resp none = api.post("/v1/query", obj("sql", "SELECT 1"));
        assertThat(none.status).isEqualTo(400);
        assertThat(none.errorMessage()).isEqualTo("a database is required");
        assertThat(api.post("/v1/query", obj("sql", "SELECT 1", "database_id", db)).status)
                .isEqualTo(200);
        assertThat(
                        api.post(
                                        "/v1/query",
                                        obj("sql", "SELECT 1", "database_id", db),
                                        "X-Database-Id",
                                        "dbidother")
                                .status)
                .isEqualTo(400);
        assertThat(
                        api.post("/v1/query", obj("sql", "SELECT 1"), "X-Database-Id", "dbidnope")
                                .status)
                .isEqualTo(404);
        for (String name : new String[] {"default.sales.orders", "sales.orders", "orders"}) {
            assertThat(api.rows(db, "SELECT count(*) FROM " + name).toString())
                    .as(name)
                    .isEqualTo("[[5]]");
        }
        Api.Resp missing = api.query(db, "SELECT * FROM sales.nope");
        assertThat(missing.status).isEqualTo(400);
        assertThat(missing.errorMessage()).isEqualTo("table 'default.sales.nope' not found");
        assertThat(api.query(db, "SELECT * FROM nope").errorMessage())
                .isEqualTo("table 'default.sales.nope' not found");
    }

    @Test
    void onlyReadsAreAllowed() {
        String db = dbWithTable();
        for (String sql :
                new String[] {
                    "INSERT INTO orders VALUES (1, 2)",
                    "DELETE FROM orders",
                    "CREATE TABLE x AS SELECT 1",
                    "DROP TABLE orders",
                    "COPY orders TO '/tmp/x.csv'",
                    "SELECT 1; SELECT 2",
                    "ATTACH 'x.db'",
                    "UPDATE orders SET total = 0"
                }) {
            Api.Resp r = api.query(db, sql);
            assertThat(r.status).as(sql).isEqualTo(400);
        }
        assertThat(api.query(db, "INSERT INTO orders VALUES (1, 2)").errorCode())
                .isEqualTo("READ_ONLY");
        assertThat(api.query(db, "WITH x AS (SELECT id FROM orders) SELECT count(*) FROM x").status)
                .isEqualTo(200);
        assertThat(api.query(db, "VALUES (1), (2)").status).isEqualTo(200);
        assertThat(api.query(db, "SELECT 1;").status).isEqualTo(200);
        assertThat(api.query(db, "SELEC 1").status).isEqualTo(400);
    }

    @Test
    void jsonValueEncoding() {
        String db = dbWithTable();
        Api.Resp r =
                api.query(
                        db,
                        "SELECT 1::INTEGER AS i, 2.5::DOUBLE AS d, 'nan'::DOUBLE AS n, true AS b, NULL AS z, 12.30::DECIMAL(10,2) AS dec,"
                                + " DATE '2024-01-02' AS dt, 'ab'::BLOB AS bin, [1, 2] AS l, {'k': 'v'} AS s,"
                                + " (SELECT sum(id) FROM orders) AS h");
        assertThat(r.status).as(r.toString()).isEqualTo(200);
        assertThat(r.json.get("rows").toString())
                .isEqualTo(
                        "[[1,2.5,null,true,null,\"12.30\",\"2024-01-02\",\"YWI=\",[1,2],{\"k\":\"v\"},10]]");
        assertThat(r.json.get("columns").toString()).startsWith("[\"i\",\"d\",\"n\"");
    }

    @Test
    void resultsAndReadiness() {
        String db = dbWithTable();
        HOTDATA.server().faults().resultDelay(Duration.ofMillis(700));
        Api.Resp q = api.query(db, "SELECT id, total FROM orders ORDER BY id");
        assertThat(q.status).isEqualTo(200);
        assertThat(q.json.get("rows")).hasSize(5);
        assertThat(q.json.get("truncated").asBoolean()).isFalse();
        String rid = q.json.get("result_id").asText();
        // results need X-Database-Id
        assertThat(api.get("/v1/results/" + rid).status).isEqualTo(400);
        Api.Resp pending = api.get("/v1/results/" + rid, "X-Database-Id", db);
        assertThat(pending.status).isEqualTo(202);
        assertThat(pending.header("Retry-After")).isEqualTo("1");
        assertThat(pending.json.get("status").asText()).isEqualTo("processing");
        // a result still processing cannot be loaded
        assertThat(
                        api.load(db, "sales", "copy", obj("mode", "replace", "result_id", rid))
                                .errorCode())
                .isEqualTo("RESULT_NOT_READY");
        Api.await(
                "result ready",
                Duration.ofSeconds(10),
                () ->
                        api.get("/v1/results/" + rid + "?limit=0", "X-Database-Id", db).status
                                == 200);
        Api.Resp page = api.get("/v1/results/" + rid + "?offset=1&limit=2", "X-Database-Id", db);
        assertThat(page.status).isEqualTo(200);
        assertThat(page.header("X-Total-Row-Count")).isEqualTo("5");
        assertThat(page.header("Link")).contains("offset=3");
        assertThat(page.json.get("rows").toString()).isEqualTo("[[1,\"1.25\"],[2,\"2.50\"]]");
        assertThat(page.json.get("status").asText()).isEqualTo("ready");
        Api.Resp csv = api.get("/v1/results/" + rid + "?format=csv&limit=1", "X-Database-Id", db);
        assertThat(csv.text()).startsWith("id,total\n0,0.00");
        assertThat(api.get("/v1/results/" + rid + "?format=xml", "X-Database-Id", db).status)
                .isEqualTo(400);
        // other databases do not see it
        String other = api.createDatabase().get("id").asText();
        assertThat(api.get("/v1/results/" + rid, "X-Database-Id", other).status).isEqualTo(404);

        JsonNode run =
                api.get(
                                "/v1/query-runs/" + q.json.get("query_run_id").asText(),
                                "X-Database-Id",
                                db)
                        .json;
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        assertThat(run.get("result_id").asText()).isEqualTo(rid);
        assertThat(run.get("row_count").asLong()).isEqualTo(5);
        assertThat(api.get("/v1/query-runs/" + q.json.get("query_run_id").asText()).status)
                .isEqualTo(400);
    }

    @Test
    void asyncQuery() {
        String db = dbWithTable();
        Api.Resp r =
                api.post(
                        "/v1/query",
                        obj("sql", "SELECT sum(total) AS s FROM orders", "async", true),
                        "X-Database-Id",
                        db);
        assertThat(r.status).isEqualTo(202);
        String runId = r.json.get("query_run_id").asText();
        assertThat(r.json.get("status_url").asText()).isEqualTo("/v1/query-runs/" + runId);
        Api.await(
                "run finished",
                Duration.ofSeconds(30),
                () ->
                        api.get("/v1/query-runs/" + runId, "X-Database-Id", db)
                                .json
                                .get("status")
                                .asText()
                                .equals("succeeded"));
        String rid =
                api.get("/v1/query-runs/" + runId, "X-Database-Id", db)
                        .json
                        .get("result_id")
                        .asText();
        assertThat(api.get("/v1/results/" + rid, "X-Database-Id", db).json.get("rows").toString())
                .isEqualTo("[[\"12.50\"]]");
        Api.Resp within =
                api.post(
                        "/v1/query",
                        obj("sql", "SELECT 1 AS one", "async", true, "async_after_ms", 5000),
                        "X-Database-Id",
                        db);
        assertThat(within.status).isEqualTo(200);
        assertThat(within.json.get("rows").toString()).isEqualTo("[[1]]");
    }
}
