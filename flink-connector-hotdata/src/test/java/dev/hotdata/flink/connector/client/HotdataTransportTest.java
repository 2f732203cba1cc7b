package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** The transport's failure classification and per-call retry safety. */
class HotdataTransportTest extends MockHotdata {

    @Test
    void safetyClassification() {
        HotdataTransport transport = new HotdataTransport(config().build(), clock);
        HotdataException refused =
                transport.transportError("POST /v1/databases", new ConnectException("refused"));
        HotdataException reset =
                transport.transportError(
                        "POST /v1/databases", new IOException("unexpected end of stream"));
        assertThat(HotdataTransport.retryAllowed(HotdataTransport.Safety.REJECTED_ONLY, refused))
                .isTrue();
        assertThat(HotdataTransport.retryAllowed(HotdataTransport.Safety.REJECTED_ONLY, reset))
                .isFalse();
        assertThat(HotdataTransport.retryAllowed(HotdataTransport.Safety.IDEMPOTENT, reset))
                .isTrue();
        assertThat(HotdataTransport.retryAllowed(HotdataTransport.Safety.NEVER, refused)).isFalse();
        assertThat(HotdataTransport.isTransient(408, null)).isFalse();
        assertThat(HotdataTransport.isTransient(409, "CONFLICT")).isFalse();
        assertThat(HotdataTransport.isTransient(409, "RESOURCE_LOCKED")).isTrue();
        assertThat(HotdataTransport.isTransient(504, null)).isTrue();
        assertThat(HotdataTransport.isTransient(501, null)).isFalse();
        assertThat(
                        HotdataTransport.loadSafety(
                                LoadRequest.builder().mode(LoadMode.REPLACE).resultId("r").build()))
                .isEqualTo(HotdataTransport.Safety.IDEMPOTENT);
        assertThat(
                        HotdataTransport.loadSafety(
                                LoadRequest.builder().mode(LoadMode.APPEND).resultId("r").build()))
                .isEqualTo(HotdataTransport.Safety.REJECTED_ONLY);
    }
}
