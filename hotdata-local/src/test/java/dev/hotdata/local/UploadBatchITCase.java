package dev.hotdata.local;

import dev.hotdata.local.upload.UploadService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static dev.hotdata.local.Api.arr;
import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/uploads/batch}: order, per-entry validation, the limit, and usable sessions. */
class UploadBatchITCase {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
    @TempDir Path tmp;

    private Api api() {
        return new Api(HOTDATA.server());
    }

    private static Api.Resp batch(Api api, ObjectNode... entries) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (ObjectNode e : entries) {
            list.add(e);
        }
        return api.post("/v1/uploads/batch", obj("uploads", list));
    }

    /** Upload sessions the server has stored (from its persisted state). */
    private static int storedUploads() throws IOException {
        JsonNode state =
                Api.MAPPER.readTree(
                        Files.readAllBytes(HOTDATA.server().dataDir().resolve("state.json")));
        return state.path("uploads").size();
    }

    private static Api.Resp finalizeUpload(Api api, JsonNode session, JsonNode body) {
        return api.post(
                "/v1/uploads/" + session.get("upload_id").asText() + "/finalize",
                body,
                "X-Upload-Finalize-Token",
                session.get("finalize_token").asText());
    }

    @Test
    void sessionsComeBackInRequestOrderAndEachCanBeUploadedFinalizedAndLoaded() {
        Api api = api();
        byte[] a = Api.parquet(tmp, "SELECT range AS id FROM range(3)");
        byte[] b = Api.parquet(tmp, "SELECT range + 10 AS id FROM range(4)");
        Api.Resp r =
                batch(
                        api,
                        obj(
                                "declared_size_bytes",
                                a.length,
                                "content_type",
                                "application/vnd.apache.parquet",
                                "filename",
                                "a.parquet"),
                        obj("content_type", "application/vnd.apache.parquet"),
                        obj("declared_size_bytes", 9 * MIB));
        assertThat(r.status).isEqualTo(201);
        JsonNode sessions = r.json.get("uploads");
        assertThat(sessions).hasSize(3);
        JsonNode single = sessions.get(0);
        JsonNode streaming = sessions.get(1);
        JsonNode eager = sessions.get(2);
        // the order is the request's: each entry's shape follows its own declared size
        assertThat(single.get("mode").asText()).isEqualTo("single");
        assertThat(single.get("url").asText()).contains("sig=");
        assertThat(streaming.get("mode").asText()).isEqualTo("multipart");
        assertThat(streaming.has("part_urls")).isFalse();
        assertThat(eager.get("mode").asText()).isEqualTo("multipart");
        assertThat(eager.get("part_urls")).hasSize(2);
        Set<String> ids = new HashSet<>();
        for (JsonNode s : sessions) {
            ids.add(s.get("upload_id").asText());
            assertThat(s.get("finalize_token").asText()).isNotEmpty();
            assertThat(s.get("headers").isObject()).isTrue();
        }
        assertThat(ids).hasSize(3);

        // the single session: PUT + finalize
        assertThat(Api.put(single.get("url").asText(), a).status).isEqualTo(200);
        Api.Resp finA = finalizeUpload(api, single, obj());
        assertThat(finA.status).isEqualTo(200);
        assertThat(finA.json.get("size_bytes").asLong()).isEqualTo(a.length);
        // the streaming session: mint a part, PUT, finalize with its ETag
        Api.Resp minted =
                api.post(
                        "/v1/uploads/" + streaming.get("upload_id").asText() + "/parts",
                        obj("part_numbers", arr(1)),
                        "X-Upload-Finalize-Token",
                        streaming.get("finalize_token").asText());
        assertThat(minted.status).isEqualTo(200);
        Api.Resp put = Api.put(minted.json.get("parts").get(0).get("url").asText(), b);
        assertThat(put.status).isEqualTo(200);
        Api.Resp finB =
                finalizeUpload(
                        api,
                        streaming,
                        obj("parts", arr(obj("part_number", 1, "e_tag", put.header("ETag")))));
        assertThat(finB.status).isEqualTo(200);

        // both load
        String db =
                api.createDatabase(obj("name", "batch", "default_schema", "public"))
                        .get("id")
                        .asText();
        for (JsonNode s : new JsonNode[] {single, streaming}) {
            Api.Resp load =
                    api.load(
                            db,
                            "public",
                            "t",
                            obj("mode", "append", "upload_id", s.get("upload_id").asText()));
            assertThat(load.status).as("load %s", load).isEqualTo(200);
        }
        assertThat(api.rows(db, "SELECT count(*), sum(id) FROM t").toString())
                .isEqualTo("[[7,49]]");
    }

    @Test
    void anInvalidEntryFailsTheWholeBatchNamingItsIndexAndCreatesNothing() throws IOException {
        Api api = api();
        int before = storedUploads();

        Api.Resp badAlgo =
                batch(
                        api,
                        obj("declared_size_bytes", 10),
                        obj(
                                "declared_size_bytes",
                                10,
                                "checksum_algo",
                                "md5",
                                "checksum_value",
                                "x"));
        assertThat(badAlgo.status).isEqualTo(400);
        // the same code a single create answers for that body
        assertThat(badAlgo.errorCode())
                .isEqualTo(
                        api.post(
                                        "/v1/uploads",
                                        obj(
                                                "declared_size_bytes",
                                                10,
                                                "checksum_algo",
                                                "md5",
                                                "checksum_value",
                                                "x"))
                                .errorCode());
        assertThat(badAlgo.errorMessage()).startsWith("uploads[1]: ");

        Api.Resp tooLarge = batch(api, obj(), obj(), obj("declared_size_bytes", 11L * 1024 * MIB));
        assertThat(tooLarge.status).isEqualTo(400);
        assertThat(tooLarge.errorMessage()).startsWith("uploads[2]: ");

        Api.Resp notPositive = batch(api, obj("declared_size_bytes", 0));
        assertThat(notPositive.status).isEqualTo(400);
        assertThat(notPositive.errorMessage()).startsWith("uploads[0]: ");

        Api.Resp wrongType = batch(api, obj(), obj("filename", 7));
        assertThat(wrongType.status).isEqualTo(400);
        assertThat(wrongType.errorMessage()).startsWith("uploads[1]: ");

        Api.Resp notAnObject = api.post("/v1/uploads/batch", obj("uploads", arr(obj(), "x")));
        assertThat(notAnObject.status).isEqualTo(400);
        assertThat(notAnObject.errorMessage()).startsWith("uploads[1] ");

        // one failed single create above (the comparison) stored nothing either
        assertThat(storedUploads()).isEqualTo(before);
    }

    @Test
    void theListIsRequiredNonEmptyAndAtMostTheLimit() throws IOException {
        Api api = api();
        assertThat(api.post("/v1/uploads/batch", obj()).status).isEqualTo(400);
        assertThat(api.post("/v1/uploads/batch", obj("uploads", obj())).status).isEqualTo(400);
        assertThat(batch(api).status).isEqualTo(400);

        int max = UploadService.MAX_BATCH_UPLOADS;
        ObjectNode[] over = new ObjectNode[max + 1];
        for (int i = 0; i < over.length; i++) {
            over[i] = obj("declared_size_bytes", 1);
        }
        int before = storedUploads();
        Api.Resp tooMany = batch(api, over);
        assertThat(tooMany.status).isEqualTo(400);
        assertThat(storedUploads()).isEqualTo(before);

        ObjectNode[] atMax = new ObjectNode[max];
        System.arraycopy(over, 0, atMax, 0, max);
        Api.Resp ok = batch(api, atMax);
        assertThat(ok.status).isEqualTo(201);
        assertThat(ok.json.get("uploads")).hasSize(max);
        assertThat(storedUploads()).isEqualTo(before + max);
    }

    @Test
    void theBatchNeedsTheKeyAndAWorkspaceLikeEveryApiCall() {
        Api.Resp noKey =
                api().withKey("wrong").post("/v1/uploads/batch", obj("uploads", arr(obj())));
        assertThat(noKey.status).isEqualTo(401);
        Api.Resp noWs =
                api().withWorkspace("ws_nope")
                        .post("/v1/uploads/batch", obj("uploads", arr(obj())));
        assertThat(noWs.status).isEqualTo(404);
        // GET is another method on a known path
        Api.Resp get = api().get("/v1/uploads/batch");
        assertThat(get.status).isEqualTo(405);
        assertThat(get.header("Allow")).contains("POST");
    }
}
