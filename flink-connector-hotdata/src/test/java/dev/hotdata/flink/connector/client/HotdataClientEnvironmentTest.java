package dev.hotdata.flink.connector.client;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client built from a configuration that leaves the connection unset reads it from the
 * environment it is created in (injected here), and sends what it read.
 */
class HotdataClientEnvironmentTest extends MockHotdata {

    private Map<String, String> runEnvironment(String key) {
        Map<String, String> env = new HashMap<>();
        env.put(HotdataClientConfig.ENV_API_URL, server.url("/").toString());
        env.put(HotdataClientConfig.ENV_API_KEY, key);
        env.put(HotdataClientConfig.ENV_WORKSPACE, "ws_from_run_env");
        return env;
    }

    @Test
    void aClientFromAnUnsetConfigurationSendsTheKeyOfItsOwnEnvironment() throws Exception {
        HotdataClientConfig shipped = HotdataClientConfig.builder().build();
        String runKey = "hd_run_env_key_5f2a";
        try (HotdataClient fromEnv =
                new HotdataClient(shipped, clock, runEnvironment(runKey)::get)) {
            server.enqueue(new MockResponse().setResponseCode(204));
            fromEnv.deleteDatabase("db_1");
            RecordedRequest request = take();
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + runKey);
            assertThat(request.getHeader("X-Workspace-Id")).isEqualTo("ws_from_run_env");
            assertThat(fromEnv.config().isResolved()).isTrue();
            assertThat(fromEnv.toString()).doesNotContain(runKey);
        }
    }

    @Test
    void anExplicitKeyWinsOverTheEnvironment() throws Exception {
        HotdataClientConfig shipped = HotdataClientConfig.builder().apiKey(KEY).build();
        try (HotdataClient explicit =
                new HotdataClient(shipped, clock, runEnvironment("hd_not_this_one")::get)) {
            server.enqueue(new MockResponse().setResponseCode(204));
            explicit.deleteDatabase("db_1");
            assertThat(take().getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        }
    }

    @Test
    void noKeyAnywhereFailsWhenTheClientIsCreated() {
        Map<String, String> env = runEnvironment("unused");
        env.remove(HotdataClientConfig.ENV_API_KEY);
        HotdataClientConfig shipped = HotdataClientConfig.builder().build();
        assertThatThrownBy(() -> new HotdataClient(shipped, clock, env::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'api-key'")
                .hasMessageContaining(HotdataClientConfig.ENV_API_KEY)
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
        assertThat(server.getRequestCount()).isZero();
    }
}
