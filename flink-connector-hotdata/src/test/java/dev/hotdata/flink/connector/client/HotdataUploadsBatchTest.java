package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CreateUploadRequest;
import dev.hotdata.flink.connector.client.model.UploadSession;

import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code POST /v1/uploads/batch} on a scripted server: the wire shape, a plain 405 (no error body)
 * taken for a missing route, and answers that must not be taken for one.
 */
class HotdataUploadsBatchTest extends MockHotdata {

    private static String session(String id) {
        return "{\"upload_id\":\""
                + id
                + "\",\"finalize_token\":\"tok_"
                + id
                + "\",\"mode\":\"single\",\"headers\":{},\"url\":\"http://storage/"
                + id
                + "\"}";
    }

    private static final List<CreateUploadRequest> TWO =
            Arrays.asList(
                    CreateUploadRequest.builder()
                            .declaredSizeBytes(10L)
                            .contentType("text/csv")
                            .filename("a.csv")
                            .build(),
                    CreateUploadRequest.builder().partSize(8L << 20).build());

    @Test
    void theBatchCarriesTheRequestsInOrderAndAnswersTheSessionsInOrder() throws Exception {
        server.enqueue(json(201, "{\"uploads\":[" + session("u1") + "," + session("u2") + "]}"));

        List<UploadSession> sessions = client.createUploads(TWO);

        assertThat(sessions).extracting(UploadSession::uploadId).containsExactly("u1", "u2");
        assertThat(sessions)
                .extracting(UploadSession::finalizeToken)
                .containsExactly("tok_u1", "tok_u2");
        assertThat(body(takeApi("POST", "/v1/uploads/batch")))
                .isEqualTo(
                        tree(
                                "{\"uploads\":[{\"declared_size_bytes\":10,"
                                        + "\"content_type\":\"text/csv\",\"filename\":\"a.csv\"},"
                                        + "{\"part_size\":8388608}]}"));
    }

    @Test
    void aPlain405IsAMissingRouteAskedOnce() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(405).setHeader("Allow", "GET"));
        server.enqueue(json(201, session("u1")));
        server.enqueue(json(201, session("u2")));

        assertThat(client.createUploads(TWO))
                .extracting(UploadSession::uploadId)
                .containsExactly("u1", "u2");
        takeApi("POST", "/v1/uploads/batch");
        assertThat(body(takeApi("POST", "/v1/uploads")).get("filename").asText())
                .isEqualTo("a.csv");
        assertThat(body(takeApi("POST", "/v1/uploads")).get("part_size").asLong())
                .isEqualTo(8L << 20);

        server.enqueue(json(201, session("u3")));
        server.enqueue(json(201, session("u4")));
        assertThat(client.createUploads(TWO))
                .extracting(UploadSession::uploadId)
                .containsExactly("u3", "u4");
        takeApi("POST", "/v1/uploads");
        takeApi("POST", "/v1/uploads");
        assertThat(server.getRequestCount()).isEqualTo(5);
    }

    @Test
    void presignUnsupportedIsThrownWithoutFallingBack() throws Exception {
        server.enqueue(error(501, "PRESIGN_UNSUPPORTED", "no presigning here"));

        assertThatThrownBy(() -> client.createUploads(TWO))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(501);
                            assertThat(e.isTransient()).isFalse();
                        });
        assertThat(server.getRequestCount()).isEqualTo(1);
        takeApi("POST", "/v1/uploads/batch");
    }

    @Test
    void anAnswerWithTheWrongNumberOfSessionsIsAProtocolError() {
        server.enqueue(json(201, "{\"uploads\":[" + session("u1") + "]}"));

        assertThatThrownBy(() -> client.createUploads(TWO))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.PROTOCOL_ERROR));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aSessionWithoutTokenIsAProtocolError() {
        server.enqueue(
                json(
                        201,
                        "{\"uploads\":["
                                + session("u1")
                                + ",{\"upload_id\":\"u2\",\"mode\":\"single\",\"headers\":{}}]}"));

        assertThatThrownBy(() -> client.createUploads(TWO))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.PROTOCOL_ERROR));
    }
}
