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
        HotdataClientConfig c = valid().build().resolve(Map.<String, String>of()::get);
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
    void missingSettingsNameTheOptionTheVariableAndTheProcessThatLookedThemUp() {
        HotdataClientConfig noKey = HotdataClientConfig.builder().workspaceId("w").build();
        assertThatThrownBy(() -> noKey.resolve(Map.<String, String>of()::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("API key")
                .hasMessageContaining("'api-key'")
                .hasMessageContaining("HOTDATA_API_KEY")
                .hasMessageContaining("pid " + ProcessHandle.current().pid())
                .hasMessageContaining("TaskManagers");
        assertThatThrownBy(() -> noKey.resolve(Map.of("HOTDATA_API_KEY", "  ")::get))
                .hasMessageContaining("HOTDATA_API_KEY");
        HotdataClientConfig noWorkspace = HotdataClientConfig.builder().apiKey(KEY).build();
        assertThatThrownBy(() -> noWorkspace.resolve(Map.<String, String>of()::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'workspace-id'")
                .hasMessageContaining("HOTDATA_WORKSPACE")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> valid().apiKey("  ").build())
                .hasMessageContaining("HOTDATA_API_KEY");
        assertThatThrownBy(() -> valid().endpoint("").build())
                .hasMessageContaining("HOTDATA_API_URL");
        assertThatThrownBy(
                        () ->
                                HotdataClientConfig.fromEnvironment(Map.of())
                                        .build()
                                        .resolve(Map.<String, String>of()::get))
                .hasMessageContaining("HOTDATA_API_KEY");
    }

    @Test
    void unsetSettingsAreReadOnResolveNotOnBuildAndExplicitOnesWin() {
        HotdataClientConfig fromEnv = HotdataClientConfig.builder().build();
        assertThat(fromEnv.hasExplicitApiKey()).isFalse();
        assertThat(fromEnv.isResolved()).isFalse();
        assertThat(fromEnv.apiKey()).isNull();
        assertThat(fromEnv.toString()).contains("apiKey=(HOTDATA_API_KEY where the client runs)");

        Map<String, String> runEnv = new HashMap<>();
        runEnv.put("HOTDATA_API_URL", "http://127.0.0.1:8123/v1");
        runEnv.put("HOTDATA_API_KEY", KEY);
        runEnv.put("HOTDATA_WORKSPACE", "ws_run");
        HotdataClientConfig resolved = fromEnv.resolve(runEnv::get);
        assertThat(resolved.isResolved()).isTrue();
        assertThat(resolved.apiKey()).isEqualTo(KEY);
        assertThat(resolved.workspaceId()).isEqualTo("ws_run");
        assertThat(resolved.endpoint()).isEqualTo("http://127.0.0.1:8123");
        assertThat(resolved.toString()).contains("apiKey=****").doesNotContain(KEY);
        assertThat(resolved.resolve(Map.<String, String>of()::get)).isSameAs(resolved);

        HotdataClientConfig explicit =
                HotdataClientConfig.builder()
                        .apiKey("hd_explicit_1")
                        .endpoint("https://api.hotdata.dev")
                        .build();
        HotdataClientConfig mixed = explicit.resolve(runEnv::get);
        assertThat(mixed.apiKey()).isEqualTo("hd_explicit_1");
        assertThat(mixed.endpoint()).isEqualTo("https://api.hotdata.dev");
        assertThat(mixed.workspaceId()).isEqualTo("ws_run");

        Map<String, String> plainHttp = new HashMap<>(runEnv);
        plainHttp.put("HOTDATA_API_URL", "http://hotdata.example.com");
        assertThatThrownBy(() -> fromEnv.resolve(plainHttp::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("plain http")
                .hasMessageContaining("read from the environment of host")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void equalsAndHashCodeDoNotDependOnTheKeyBeingPrinted() {
        HotdataClientConfig a = valid().build();
        HotdataClientConfig b = valid().apiKey("hd_other").build();
        assertThat(a).isNotEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(HotdataClientConfig.builder().build())
                .isEqualTo(HotdataClientConfig.builder().build())
                .isNotEqualTo(a);
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
