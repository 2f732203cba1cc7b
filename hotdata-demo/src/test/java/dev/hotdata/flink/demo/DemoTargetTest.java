package dev.hotdata.flink.demo;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Choosing the target from the environment, without ever showing the key. */
class DemoTargetTest {

    private static final String KEY = "hd_secret_value_123";

    @Test
    void bothVariablesNameTheRealService() {
        Map<String, String> env = new HashMap<>();
        env.put("HOTDATA_API_KEY", KEY);
        assertThat(DemoTarget.environmentHasCredentials(env)).isFalse();
        env.put("HOTDATA_WORKSPACE", "ws_real");
        assertThat(DemoTarget.environmentHasCredentials(env)).isTrue();
        env.put("HOTDATA_WORKSPACE", "  ");
        assertThat(DemoTarget.environmentHasCredentials(env)).isFalse();
    }

    @Test
    void theRealTargetLeavesCredentialsToTheConnectorAndNeverShowsTheKey() {
        Map<String, String> env = new HashMap<>();
        env.put("HOTDATA_API_KEY", KEY);
        env.put("HOTDATA_WORKSPACE", "ws_real");
        env.put("HOTDATA_API_URL", "https://api.example.test");

        try (DemoTarget target = DemoTarget.fromEnvironment(env)) {
            assertThat(target.description())
                    .contains("https://api.example.test")
                    .contains("ws_real")
                    .doesNotContain(KEY);
            assertThat(target.toString()).doesNotContain(KEY);
            // the key stays out of the SQL text: the connector reads HOTDATA_API_KEY itself
            assertThat(target.connectionOptions()).isEmpty();
            assertThat(target.embeddedServer()).isNull();
            assertThat(
                            String.join(
                                    "\n",
                                    MacroPipeline.ddl(
                                            java.nio.file.Paths.get("in"),
                                            target.connectionOptions(),
                                            "db1")))
                    .doesNotContain(KEY)
                    .contains("'database-id' = 'db1'")
                    .contains("'sink.write-mode' = '" + MacroPipeline.WRITE_MODE + "'");
        }
    }

    @Test
    void optionsParse() {
        DemoOptions options =
                DemoOptions.parse(Arrays.asList("--download", "--local", "--data-dir", "/x/y"));
        assertThat(options.download()).isTrue();
        assertThat(options.forceLocal()).isTrue();
        assertThat(options.dataDir().toString()).isEqualTo("/x/y");
        assertThat(DemoOptions.parse(Arrays.asList()).dataDir().toString())
                .endsWith("hotdata-demo/hotdata-local".replace('/', java.io.File.separatorChar));
        assertThatThrownBy(() -> DemoOptions.parse(Arrays.asList("--data-dir")))
                .hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> DemoOptions.parse(Arrays.asList("--fast")))
                .hasMessageContaining("--fast");
    }
}
