package dev.hotdata.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.hotdata.local.Api.arr;
import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** Auth, workspaces, databases, schema/table declarations, tombstones, information_schema. */
class CatalogITCase {
    @RegisterExtension
    static final HotdataLocalExtension HOTDATA =
            new HotdataLocalExtension(b -> b.workspace("ws_a").workspace("ws_b"));

    @TempDir Path tmp;

    private Api api() {
        return new Api(HOTDATA.server());
    }

    @Test
    void authAndWorkspaceHeaders() {
        Api api = api();
        assertThat(api.withKey(null).get("/v1/databases").status).isEqualTo(401);
        Api.Resp wrong = api.withKey("hd_wrong").get("/v1/databases");
        assertThat(wrong.status).isEqualTo(401);
        assertThat(wrong.errorCode()).isEqualTo("UNAUTHORIZED");
        assertThat(wrong.text()).doesNotContain(HOTDATA.apiKey());
        Api.Resp noWs = api.withWorkspace(null).get("/v1/databases");
        assertThat(noWs.status).isEqualTo(404);
        assertThat(noWs.json.path("error").path("message").asText()).contains("X-Workspace-Id");
        assertThat(api.withWorkspace("ws_unknown").get("/v1/databases").status).isEqualTo(404);
        assertThat(api.get("/v1/databases").status).isEqualTo(200);
    }

    @Test
    void workspacesAreIsolated() {
        Api a = api().withWorkspace("ws_a");
        Api b = api().withWorkspace("ws_b");
        JsonNode db = a.createDatabase(obj("name", "isolated-a"));
        String id = db.get("id").asText();
        assertThat(a.get("/v1/databases/" + id).status).isEqualTo(200);
        Api.Resp other = b.get("/v1/databases/" + id);
        assertThat(other.status).isEqualTo(404);
        assertThat(other.errorCode()).isEqualTo("DATABASE_NOT_FOUND");
        assertThat(b.get("/v1/databases?search=isolated-a").json.get("databases")).isEmpty();
        String up = b.uploadParquet(tmp, "SELECT 1 AS x");
        assertThat(b.load(id, "s", "t", obj("mode", "append", "upload_id", up)).status)
                .isEqualTo(404);
        // ws_a cannot use ws_b's upload either
        Api.Resp cross = a.load(id, "s", "t", obj("mode", "append", "upload_id", up));
        assertThat(cross.status).isEqualTo(404);
        assertThat(cross.errorCode()).isEqualTo("UPLOAD_NOT_FOUND");
    }

    @Test
    void createGetListDelete() {
        Api api = api();
        JsonNode created =
                api.createDatabase(
                        obj(
                                "name",
                                "Sales-EU",
                                "schemas",
                                arr(obj("name", "Sales", "tables", arr(obj("name", "Orders"))))));
        assertThat(created.get("default_catalog").asText()).isEqualTo("default");
        assertThat(created.get("default_schema").asText()).isEqualTo("sales");
        assertThat(created.get("default_connection_id").asText()).startsWith("conn");
        String id = created.get("id").asText();
        JsonNode got = api.get("/v1/databases/" + id).json;
        assertThat(got.get("name").asText()).isEqualTo("Sales-EU");
        assertThat(got.get("attachments").isArray()).isTrue();
        assertThat(api.createDatabase(obj("name", "plain")).get("default_schema").asText())
                .isEqualTo("main");

        // list: newest first, search case-insensitive, cursor pagination
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.createDatabase(obj("name", "PageMe-" + i)).get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            JsonNode l =
                    api.get(
                                    "/v1/databases?search=pageme&limit=2"
                                            + (cursor == null ? "" : "&cursor=" + cursor))
                            .json;
            l.get("databases").forEach(d -> seen.add(d.get("id").asText()));
            if (!l.get("has_more").asBoolean()) {
                break;
            }
            cursor = l.get("next_cursor").asText();
        }
        List<String> expected = new ArrayList<>(ids);
        java.util.Collections.reverse(expected);
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(api.get("/v1/databases?limit=1000").json.get("limit").asInt()).isEqualTo(100);
        assertThat(api.get("/v1/databases?limit=0").json.get("limit").asInt()).isEqualTo(1);

        Api.Resp del = api.delete("/v1/databases/" + id);
        assertThat(del.status).isEqualTo(204);
        assertThat(del.raw.body()).isEmpty();
        assertThat(api.get("/v1/databases/" + id).status).isEqualTo(404);
        assertThat(api.delete("/v1/databases/" + id).status).isEqualTo(404);
    }

    @Test
    void identifiersAreLowerCasedAndValidated() {
        Api api = api();
        String id = api.createDatabase().get("id").asText();
        Api.Resp s = api.post("/v1/databases/" + id + "/schemas", obj("name", "MySchema"));
        assertThat(s.status).isEqualTo(201);
        assertThat(s.json.get("schema").asText()).isEqualTo("myschema");
        Api.Resp t =
                api.post(
                        "/v1/databases/" + id + "/schemas/MYSCHEMA/tables",
                        obj("name", "Events", "key", arr("id")));
        assertThat(t.status).isEqualTo(201);
        assertThat(t.json.get("table").asText()).isEqualTo("events");
        for (String bad : new String[] {"has-dash", "1starts_digit", "sp ace", "x".repeat(64)}) {
            Api.Resp r = api.post("/v1/databases/" + id + "/schemas", obj("name", bad));
            assertThat(r.status).as(bad).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("INVALID_IDENTIFIER");
        }
        assertThat(api.post("/v1/databases/" + id + "/schemas", obj("name", "x".repeat(63))).status)
                .isEqualTo(201);
    }

    @Test
    void duplicateDeclareTombstoneAndInformationSchema() {
        Api api = api();
        JsonNode db = api.createDatabase();
        String id = db.get("id").asText();
        String conn = db.get("default_connection_id").asText();
        assertThat(api.post("/v1/connections/" + conn + "/schemas", obj("name", "s")).status)
                .isEqualTo(201);
        assertThat(api.post("/v1/databases/" + id + "/schemas", obj("name", "s")).status)
                .isEqualTo(409);
        Api.Resp decl =
                api.post(
                        "/v1/connections/" + conn + "/schemas/s/tables",
                        obj(
                                "name",
                                "t",
                                "key",
                                arr("id"),
                                "partition_by",
                                arr(obj("column", "ts", "transform", "day")),
                                "sorted_by",
                                arr(obj("column", "id", "direction", "desc"))));
        assertThat(decl.status).isEqualTo(201);
        assertThat(decl.json.get("connection_id").asText()).isEqualTo(conn);
        Api.Resp dup = api.post("/v1/databases/" + id + "/schemas/s/tables", obj("name", "T"));
        assertThat(dup.status).isEqualTo(409);
        assertThat(dup.errorCode()).isEqualTo("TABLE_EXISTS");
        assertThat(
                        api.post("/v1/databases/" + id + "/schemas/nope/tables", obj("name", "x"))
                                .status)
                .isEqualTo(404);
        assertThat(
                        api.post(
                                        "/v1/databases/" + id + "/schemas/s/tables",
                                        obj(
                                                "name",
                                                "p",
                                                "partition_by",
                                                arr(obj("column", "x", "transform", "week"))))
                                .status)
                .isEqualTo(400);

        JsonNode info =
                api.get("/v1/information_schema?connection_id=" + conn + "&include_columns=true")
                        .json;
        assertThat(info.get("tables")).hasSize(1);
        JsonNode t = info.get("tables").get(0);
        assertThat(t.get("synced").asBoolean()).isFalse();
        assertThat(t.get("partition_by").get(0).get("transform").asText()).isEqualTo("day");
        assertThat(t.get("sorted_by").get(0).get("direction").asText()).isEqualTo("desc");
        assertThat(t.get("columns")).isEmpty();
        // managed tables are absent from the unscoped listing
        assertThat(api.get("/v1/information_schema").json.get("tables")).isEmpty();
        assertThat(api.get("/v1/information_schema?connection_id=connnope").status).isEqualTo(404);

        // declared but unloaded: SQL says not found
        Api.Resp q = api.query(id, "SELECT * FROM s.t");
        assertThat(q.status).isEqualTo(400);
        assertThat(q.errorMessage()).isEqualTo("table 'default.s.t' not found");

        // tombstone
        assertThat(api.delete("/v1/connections/" + conn + "/schemas/s/tables/t").status)
                .isEqualTo(204);
        assertThat(api.delete("/v1/connections/" + conn + "/schemas/s/tables/t").status)
                .isEqualTo(404);
        Api.Resp redeclare =
                api.post("/v1/databases/" + id + "/schemas/s/tables", obj("name", "t"));
        assertThat(redeclare.status).isEqualTo(409);
        assertThat(redeclare.errorCode()).isEqualTo("TABLE_DELETED");
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        Api.Resp load = api.load(id, "s", "t", obj("mode", "append", "upload_id", up));
        assertThat(load.status).isEqualTo(404);
        assertThat(load.errorCode()).isEqualTo("TABLE_DELETED");
        assertThat(api.get("/v1/information_schema?connection_id=" + conn).json.get("tables"))
                .isEmpty();
        // the failed load did not consume the upload
        assertThat(api.load(id, "s", "other", obj("mode", "append", "upload_id", up)).status)
                .isEqualTo(200);
    }

    @Test
    void informationSchemaPagesAndFilters() {
        Api api = api();
        JsonNode db = api.createDatabase();
        String id = db.get("id").asText();
        String conn = db.get("default_connection_id").asText();
        for (int i = 0; i < 5; i++) {
            api.load(id, "pg", "tab_" + i, obj("mode", "replace", "data", "a\n1\n"));
        }
        List<String> names = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            JsonNode l =
                    api.get(
                                    "/v1/information_schema?connection_id="
                                            + conn
                                            + "&schema=pg&table=tab%25&limit=2"
                                            + (cursor == null ? "" : "&cursor=" + cursor))
                            .json;
            l.get("tables").forEach(t -> names.add(t.get("table").asText()));
            if (!l.get("has_more").asBoolean()) {
                break;
            }
            cursor = l.get("next_cursor").asText();
        }
        assertThat(names).containsExactly("tab_0", "tab_1", "tab_2", "tab_3", "tab_4");
    }
}
