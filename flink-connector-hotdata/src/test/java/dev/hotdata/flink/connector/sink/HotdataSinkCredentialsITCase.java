package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.source.HotdataSource;
import dev.hotdata.flink.connector.table.HotdataConnectorOptions;
import dev.hotdata.flink.connector.table.HotdataConnectorOptionsUtil;
import dev.hotdata.local.HotdataLocalExtension;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the API key comes from: a sink built without one carries none in its serialized form (what
 * the job graph ships), even when the planning process has {@code HOTDATA_API_KEY}; its writers
 * read the key from the environment of the process they run in; an explicit key still works, and
 * travels.
 */
class HotdataSinkCredentialsITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private static final RowType ROW =
            RowType.of(new LogicalType[] {new BigIntType()}, new String[] {"id"});

    /** The environment of the process that runs the sink: hotdata-local's connection. */
    private static Map<String, String> clusterEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put(HotdataClientConfig.ENV_API_URL, HOTDATA.endpoint());
        env.put(HotdataClientConfig.ENV_API_KEY, HOTDATA.apiKey());
        env.put(HotdataClientConfig.ENV_WORKSPACE, HOTDATA.workspaceId());
        return env;
    }

    private static HotdataSinkBuilder<Object> sink(Map<String, String> planningEnvironment) {
        return new HotdataSinkBuilder<Object>(planningEnvironment)
                .setDatabase("credentials")
                .setTable("t")
                .setRowType(ROW)
                .setMaxRetries(0)
                .setRetryBackoff(Duration.ofMillis(10));
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aSinkWithoutAnExplicitKeyShipsNoKeyEvenWhenThePlannerHasOne() throws Exception {
        String key = HOTDATA.apiKey();
        HotdataSink<Object> fromEnvironment = sink(clusterEnvironment()).build();
        byte[] shipped = InstantiationUtil.serializeObject(fromEnvironment);
        assertThat(contains(shipped, key)).as("the key in the serialized sink").isFalse();
        HotdataSink<Object> back =
                InstantiationUtil.deserializeObject(shipped, getClass().getClassLoader());
        assertThat(back.getConfig().clientConfig().hasExplicitApiKey()).isFalse();

        // the same check finds an explicit key, which is part of the sink
        HotdataSink<Object> explicit = sink(clusterEnvironment()).setApiKey(key).build();
        assertThat(contains(InstantiationUtil.serializeObject(explicit), key))
                .as("an explicit key in the serialized sink")
                .isTrue();
    }

    @Test
    void theTableConnectorAndTheSourceShipNoKeyWithoutTheOption() throws Exception {
        Configuration options = new Configuration();
        options.set(HotdataConnectorOptions.WORKSPACE_ID, HOTDATA.workspaceId());
        HotdataClientConfig connection = HotdataConnectorOptionsUtil.connection(options).build();
        HotdataSource source =
                new HotdataSource(connection, "credentials", null, "SELECT 1", ROW, 100);
        byte[] shipped = InstantiationUtil.serializeObject(source);
        assertThat(contains(shipped, HOTDATA.apiKey())).isFalse();
        HotdataSource back =
                InstantiationUtil.deserializeObject(shipped, getClass().getClassLoader());
        assertThat(back).isNotNull();
        assertThat(connection.hasExplicitApiKey()).isFalse();
        assertThat(connection.resolve(clusterEnvironment()::get).workspaceId())
                .isEqualTo(HOTDATA.workspaceId());

        options.set(HotdataConnectorOptions.API_KEY, HOTDATA.apiKey());
        assertThat(HotdataConnectorOptionsUtil.connection(options).build().hasExplicitApiKey())
                .isTrue();
    }

    @Test
    void aWriterConnectsWithTheKeyOfTheEnvironmentItRunsIn() throws Exception {
        // planned where no variable is set; the run environment has the connection
        HotdataSinkConfig config = sink(Collections.emptyMap()).build().getConfig();
        try (HotdataClient client =
                HotdataConnectionCheck.connect(config, false, clusterEnvironment()::get)) {
            assertThat(client.config().endpoint()).isEqualTo(HOTDATA.endpoint());
            assertThatCode(() -> HotdataConnectionCheck.run(client, config, false))
                    .doesNotThrowAnyException();
        }

        // a wrong key in the run environment is the one used: Hotdata rejects it
        Map<String, String> wrongKey = clusterEnvironment();
        wrongKey.put(HotdataClientConfig.ENV_API_KEY, "hd_wrong_run_key_77");
        try (HotdataClient client = HotdataConnectionCheck.connect(config, false, wrongKey::get)) {
            assertThatThrownBy(() -> HotdataConnectionCheck.run(client, config, false))
                    .isInstanceOf(SuppressRestartsException.class)
                    .hasStackTraceContaining("Hotdata rejected the API key");
        }
    }

    @Test
    void noKeyWhereTheWriterRunsIsAClearConfigurationError() {
        HotdataSinkConfig config = sink(clusterEnvironment()).build().getConfig();
        Map<String, String> noKey = clusterEnvironment();
        noKey.remove(HotdataClientConfig.ENV_API_KEY);
        assertThatThrownBy(() -> HotdataConnectionCheck.connect(config, false, noKey::get))
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .hasMessageContaining("TaskManager")
                .hasMessageContaining("'api-key'")
                .hasMessageContaining("HOTDATA_API_KEY")
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
        // after a restore the restart strategy decides
        assertThatThrownBy(() -> HotdataConnectionCheck.connect(config, true, noKey::get))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(SuppressRestartsException.class)
                .hasMessageContaining("HOTDATA_API_KEY");
    }

    @Test
    void anExplicitKeyWorksWithoutAnyEnvironment() throws Exception {
        HotdataSinkConfig config =
                sink(Collections.emptyMap())
                        .setEndpoint(HOTDATA.endpoint())
                        .setApiKey(HOTDATA.apiKey())
                        .setWorkspaceId(HOTDATA.workspaceId())
                        .build()
                        .getConfig();
        Map<String, String> none = Collections.emptyMap();
        try (HotdataClient client = HotdataConnectionCheck.connect(config, false, none::get)) {
            assertThatCode(() -> HotdataConnectionCheck.run(client, config, false))
                    .doesNotThrowAnyException();
        }
    }
}
