package dev.hotdata.flink.connector.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation, environment defaults, endpoint normalisation and key masking of the config. */
class HotdataClientConfigTest {

    private static final String KEY = "hd_cfg_SECRET_9876";

    private static HotdataClientConfig.Builder valid() {
        return HotdataClientConfig.builder().apiKey(KEY).workspaceId("ws_1");
    }

    @Test
    void defaults() {
        HotdataClientConfig c = valid().build();
        assertThat(c.endpoint()).isEqualTo("https://api.hotdata.dev");
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.readTimeout()).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(c.retryPolicy()).isEqualTo(RetryPolicy.defaults());
        assertThat(c.uploadConcurrency()).isEqualTo(4);
        assertThat(c.singleUploadMaxBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.workspaceId()).isEqualTo("ws_1");
        assertThat(c.apiKey()).isEqualTo(KEY);
    }

    @Test
    void fromEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("HOTDATA_API_URL", "http://127.0.0.1:8123/v1/");
        env.put("HOTDATA_API_KEY", KEY);
        env.put("HOTDATA_WORKSPACE", "ws_env");
        HotdataClientConfig c = HotdataClientConfig.fromEnvironment(env).build();
        assertThat(c.endpoint()).isEqualTo("http://127.0.0.1:8123");
        assertThat(c.workspaceId()).isEqualTo("ws_env");
        assertThat(c.apiKey()).isEqualTo(KEY);

        HotdataClientConfig d =
                HotdataClientConfig.fromEnvironment(
                                Map.of("HOTDATA_API_KEY", KEY, "HOTDATA_WORKSPACE", "w"))
                        .build();
        assertThat(d.endpoint()).isEqualTo("https://api.hotdata.dev");
    }

    @Test
    void missingSettingsNameTheirEnvironmentVariable() {
        assertThatThrownBy(() -> HotdataClientConfig.builder().workspaceId("w").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("API key")
                .hasMessageContaining("HOTDATA_API_KEY");
        assertThatThrownBy(() -> HotdataClientConfig.builder().apiKey(KEY).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workspace")
                .hasMessageContaining("HOTDATA_WORKSPACE");
        assertThatThrownBy(() -> valid().apiKey("  ").build())
                .hasMessageContaining("HOTDATA_API_KEY");
        assertThatThrownBy(() -> valid().endpoint("").build())
                .hasMessageContaining("HOTDATA_API_URL");
        assertThatThrownBy(() -> HotdataClientConfig.fromEnvironment(Map.of()).build())
                .hasMessageContaining("HOTDATA_API_KEY");
    }

    @Test
    void endpointValidationAndNormalisation() {
        assertThat(valid().endpoint("https://api.hotdata.dev/v1").build().endpoint())
                .isEqualTo("https://api.hotdata.dev");
        assertThat(valid().endpoint("https://example.com/base/v1/").build().endpoint())
                .isEqualTo("https://example.com/base");
        assertThat(valid().endpoint("http://localhost:8080").build().endpoint())
                .isEqualTo("http://localhost:8080");
        assertThat(valid().endpoint("http://127.1.2.3:80/").build().endpoint())
                .isEqualTo("http://127.1.2.3");
        assertThat(valid().endpoint("http://[::1]:9000").build().endpoint())
                .isEqualTo("http://[::1]:9000");

        assertThatThrownBy(() -> valid().endpoint("api.hotdata.dev").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute http(s) URL");
        assertThatThrownBy(() -> valid().endpoint("ftp://x/").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> valid().endpoint("http://api.hotdata.dev").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain http");
        assertThatThrownBy(() -> valid().endpoint("http://128.0.0.1").build())
                .hasMessageContaining("plain http");
        assertThatThrownBy(() -> valid().endpoint("http://localhost.evil.com").build())
                .hasMessageContaining("plain http");
        assertThatThrownBy(() -> valid().endpoint("https://u:p@x.dev").build())
                .hasMessageContaining("user info");
        assertThat(
                        valid().endpoint("http://hotdata.internal:8080")
                                .allowPlainHttp(true)
                                .build()
                                .endpoint())
                .isEqualTo("http://hotdata.internal:8080");
    }

    @Test
    void toStringMasksTheKeyAndSerialisationRoundTrips() throws Exception {
        HotdataClientConfig c = valid().endpoint("http://127.0.0.1:1").build();
        assertThat(c.toString()).contains("apiKey=****").doesNotContain(KEY);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            HotdataClientConfig back = (HotdataClientConfig) in.readObject();
            assertThat(back).isEqualTo(c);
            assertThat(back.apiKey()).isEqualTo(KEY);
            assertThat(back.retryPolicy()).isEqualTo(c.retryPolicy());
        }
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void rejectsBadTimeoutsAndConcurrency() {
        assertThatThrownBy(() -> valid().readTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> valid().uploadConcurrency(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
