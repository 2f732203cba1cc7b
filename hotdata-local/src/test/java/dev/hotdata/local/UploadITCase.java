package dev.hotdata.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** Upload sessions, storage PUTs and finalize. */
class UploadITCase {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
    @TempDir Path tmp;

    @AfterEach
    void resetFaults() {
        HOTDATA.server().faults().presignTtl(Duration.ofMinutes(30));
    }

    private Api api() {
        return new Api(HOTDATA.server());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private Api.Resp finalizeUpload(Api api, JsonNode session, JsonNode body) {
        return api.post(
                "/v1/uploads/" + session.get("upload_id").asText() + "/finalize",
                body,
                "X-Upload-Finalize-Token",
                session.get("finalize_token").asText());
    }

    @Test
    void singleUploadIsFinalizedExactlyOnce() {
        Api api = api();
        byte[] data = Api.parquet(tmp, "SELECT range AS id FROM range(10)");
        JsonNode s =
                api.post(
                                "/v1/uploads",
                                obj(
                                        "declared_size_bytes",
                                        data.length,
                                        "content_type",
                                        "application/parquet"))
                        .json;
        assertThat(s.get("mode").asText()).isEqualTo("single");
        assertThat(s.get("headers").size()).isZero();
        String url = s.get("url").asText();
        assertThat(url).startsWith(HOTDATA.endpoint() + "/").contains("sig=");
        Api.Resp put = Api.put(url, data);
        assertThat(put.status).isEqualTo(200);
        assertThat(put.header("ETag")).matches("\"[0-9a-f]{32}\"");
        Api.Resp fin = finalizeUpload(api, s, obj());
        assertThat(fin.status).isEqualTo(200);
        assertThat(fin.json.get("status").asText()).isEqualTo("ready");
        assertThat(fin.json.get("size_bytes").asLong()).isEqualTo(data.length);
        Api.Resp again = finalizeUpload(api, s, obj());
        assertThat(again.status).isEqualTo(400);
        assertThat(again.errorCode()).isEqualTo("UPLOAD_ALREADY_FINALIZED");
        // a PUT after finalize is refused
        assertThat(Api.put(url, data).status).isEqualTo(404);
    }

    @Test
    void sizeMismatchMissingFileAndBadToken() {
        Api api = api();
        JsonNode s = api.post("/v1/uploads", obj("declared_size_bytes", 100)).json;
        Api.Resp missing = finalizeUpload(api, s, obj());
        assertThat(missing.status).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("MISSING_FILE");
        assertThat(Api.put(s.get("url").asText(), random(99)).status).isEqualTo(200);
        Api.Resp mismatch = finalizeUpload(api, s, obj());
        assertThat(mismatch.status).isEqualTo(400);
        assertThat(mismatch.errorCode()).isEqualTo("SIZE_MISMATCH");
        Api.Resp badToken =
                api.post(
                        "/v1/uploads/" + s.get("upload_id").asText() + "/finalize",
                        obj(),
                        "X-Upload-Finalize-Token",
                        "nope");
        assertThat(badToken.status).isEqualTo(400);
        // a failed finalize can be fixed and retried
        assertThat(Api.put(s.get("url").asText(), random(100)).status).isEqualTo(200);
        assertThat(finalizeUpload(api, s, obj()).status).isEqualTo(200);
    }

    @Test
    void putWithAuthHeadersIsRejectedAndExpiredUrlsAre403() {
        Api api = api();
        JsonNode s = api.post("/v1/uploads", obj("declared_size_bytes", 10)).json;
        String url = s.get("url").asText();
        Api.Resp withAuth = Api.put(url, random(10), "Authorization", "Bearer " + HOTDATA.apiKey());
        assertThat(withAuth.status).isEqualTo(403);
        assertThat(withAuth.text())
                .contains("SignatureDoesNotMatch")
                .doesNotContain(HOTDATA.apiKey());
        assertThat(Api.put(url, random(10), "X-Workspace-Id", HOTDATA.workspaceId()).status)
                .isEqualTo(403);
        assertThat(Api.put(url.replaceAll("sig=[0-9a-f]+", "sig=00"), random(10)).status)
                .isEqualTo(403);

        HOTDATA.server().faults().presignTtl(Duration.ofMillis(1));
        JsonNode s2 = api.post("/v1/uploads", obj("declared_size_bytes", 10)).json;
        long expires =
                Long.parseLong(s2.get("url").asText().replaceAll(".*expires=(\\d+).*", "$1"));
        Api.await(
                "clock past expiry",
                Duration.ofSeconds(5),
                () -> System.currentTimeMillis() > expires);
        Api.Resp expired = Api.put(s2.get("url").asText(), random(10));
        assertThat(expired.status).isEqualTo(403);
        assertThat(expired.text()).contains("expired");
    }

    @Test
    void eagerMultipartChecksPartsAndEtags() {
        Api api = api();
        int size = 11 * MIB;
        byte[] data = random(size);
        JsonNode s = api.post("/v1/uploads", obj("declared_size_bytes", size, "part_size", 1)).json;
        assertThat(s.get("mode").asText()).isEqualTo("multipart");
        assertThat(s.get("part_size").asLong()).isEqualTo(5L * MIB); // clamped up
        ArrayNode urls = (ArrayNode) s.get("part_urls");
        assertThat(urls).hasSize(3);
        String[] etags = new String[3];
        for (int i = 0; i < 3; i++) {
            int from = i * 5 * MIB;
            byte[] part = Arrays.copyOfRange(data, from, Math.min(size, from + 5 * MIB));
            Api.Resp p = Api.put(urls.get(i).asText(), part);
            assertThat(p.status).isEqualTo(200);
            etags[i] = p.header("ETag");
        }
        // e_tag without quotes is not the verbatim header value
        Api.Resp unquoted =
                finalizeUpload(
                        api,
                        s,
                        parts(
                                new int[] {1, 2, 3},
                                new String[] {etags[0].replace("\"", ""), etags[1], etags[2]}));
        assertThat(unquoted.status).isEqualTo(400);
        Api.Resp unordered =
                finalizeUpload(
                        api,
                        s,
                        parts(new int[] {2, 1, 3}, new String[] {etags[1], etags[0], etags[2]}));
        assertThat(unordered.status).isEqualTo(400);
        Api.Resp missingPart =
                finalizeUpload(api, s, parts(new int[] {1, 3}, new String[] {etags[0], etags[2]}));
        assertThat(missingPart.status).isEqualTo(400);
        Api.Resp ok = finalizeUpload(api, s, parts(new int[] {1, 2, 3}, etags));
        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.json.get("size_bytes").asLong()).isEqualTo(size);
        assertThat(finalizeUpload(api, s, parts(new int[] {1, 2, 3}, etags)).errorCode())
                .isEqualTo("UPLOAD_ALREADY_FINALIZED");
    }

    @Test
    void streamingMultipartMintsPartsOnDemand() {
        Api api = api();
        JsonNode s = api.post("/v1/uploads", obj("content_type", "text/csv")).json;
        assertThat(s.get("mode").asText()).isEqualTo("multipart");
        assertThat(s.has("part_urls")).isFalse();
        String id = s.get("upload_id").asText();
        String token = s.get("finalize_token").asText();
        Api.Resp empty = finalizeUpload(api, s, obj("parts", JsonNodeFactory.instance.arrayNode()));
        assertThat(empty.status).isEqualTo(400);
        Api.Resp noToken =
                api.post("/v1/uploads/" + id + "/parts", obj("part_numbers", Api.arr(1)));
        assertThat(noToken.status).isEqualTo(400);
        Api.Resp minted =
                api.post(
                        "/v1/uploads/" + id + "/parts",
                        obj("part_numbers", Api.arr(2, 1)),
                        "X-Upload-Finalize-Token",
                        token);
        assertThat(minted.status).isEqualTo(200);
        assertThat(minted.json.get("parts").get(0).get("part_number").asInt()).isEqualTo(1);
        byte[] small = random(1000);
        String e1 =
                Api.put(minted.json.get("parts").get(0).get("url").asText(), small).header("ETag");
        String e2 =
                Api.put(minted.json.get("parts").get(1).get("url").asText(), small).header("ETag");
        Api.Resp tooSmall = finalizeUpload(api, s, parts(new int[] {1, 2}, new String[] {e1, e2}));
        assertThat(tooSmall.status).isEqualTo(400);
        assertThat(tooSmall.errorCode()).isEqualTo("PART_TOO_SMALL");
        Api.Resp ok = finalizeUpload(api, s, parts(new int[] {1}, new String[] {e1}));
        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.json.get("size_bytes").asLong()).isEqualTo(1000);
    }

    @Test
    void emptyStreamingUploadCannotBeFinalized() {
        Api api = api();
        JsonNode s = api.post("/v1/uploads", obj()).json;
        String token = s.get("finalize_token").asText();
        JsonNode minted =
                api.post(
                                "/v1/uploads/" + s.get("upload_id").asText() + "/parts",
                                obj("part_numbers", Api.arr(1)),
                                "X-Upload-Finalize-Token",
                                token)
                        .json;
        String etag =
                Api.put(minted.get("parts").get(0).get("url").asText(), new byte[0]).header("ETag");
        Api.Resp r = finalizeUpload(api, s, parts(new int[] {1}, new String[] {etag}));
        assertThat(r.status).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("EMPTY_UPLOAD");
    }

    private static JsonNode parts(int[] numbers, String[] etags) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < numbers.length; i++) {
            arr.addObject().put("part_number", numbers[i]).put("e_tag", etags[i]);
        }
        return obj("parts", arr);
    }
}
