package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.local.HotdataLocalExtension;

import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The check a writer makes when it opens, against hotdata-local: configuration errors fail a fresh
 * job for good, but only an ordinary (restartable) failure after a restore, where a terminal
 * failure could strand the checkpoint's uploads.
 */
class HotdataConnectionCheckITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private static HotdataSinkBuilder<Object> sink() {
        return HotdataSink.builder()
                .setEndpoint(HOTDATA.endpoint())
                .setApiKey(HOTDATA.apiKey())
                .setWorkspaceId(HOTDATA.workspaceId())
                .setDatabase("check")
                .setTable("t")
                .setRowType(RowType.of(new LogicalType[] {new BigIntType()}, new String[] {"id"}))
                .setMaxRetries(0)
                .setRetryBackoff(Duration.ofMillis(10));
    }

    private static void check(HotdataSinkBuilder<Object> builder, boolean restored)
            throws Exception {
        HotdataSinkConfig config = configOf(builder);
        try (HotdataClient client = new HotdataClient(config.clientConfig())) {
            HotdataConnectionCheck.run(client, config, restored);
        }
    }

    @Test
    void rightSettingsPassWhetherTheDatabaseExistsOrNot() {
        assertThatCode(() -> check(sink(), false)).doesNotThrowAnyException();
    }

    @Test
    void wrongKeyFailsAFreshJobWithoutRestartsButARestoredOneNormally() {
        String wrongKey = "hd_wrong_key_8c1f7e";
        assertThatThrownBy(() -> check(sink().setApiKey(wrongKey), false))
                .isInstanceOf(SuppressRestartsException.class)
                .rootCause()
                .hasMessageContaining("UNAUTHORIZED");
        assertThatThrownBy(() -> check(sink().setApiKey(wrongKey), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Hotdata rejected the API key")
                .hasMessageNotContaining(wrongKey);
    }

    @Test
    void unknownWorkspaceOrDatabaseIdIsAConfigurationError() {
        assertThatThrownBy(() -> check(sink().setWorkspaceId("ws_nope"), false))
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .hasMessageContaining("Hotdata does not know workspace 'ws_nope'");
        assertThatThrownBy(() -> check(sink().setDatabaseId("db_missing"), false))
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .hasMessageContaining("Hotdata database id 'db_missing' does not exist");
    }

    @Test
    void ambiguousNameAndUnreachableEndpointAreRestartable() throws Exception {
        try (HotdataClient client = new HotdataClient(configOf(sink()).clientConfig())) {
            client.createDatabase(CreateDatabaseRequest.builder().name("twice").build());
            client.createDatabase(CreateDatabaseRequest.builder().name("twice").build());
        }
        assertThatThrownBy(() -> check(sink().setDatabase("twice"), false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'twice' matches 2 databases");

        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        }
        String endpoint = closed;
        assertThatThrownBy(() -> check(sink().setEndpoint(endpoint), false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot reach Hotdata at " + endpoint);
    }

    /**
     * The sink's config is package-private to the sink package; the writer gets it the same way.
     */
    private static HotdataSinkConfig configOf(HotdataSinkBuilder<Object> builder) throws Exception {
        Method getConfig = HotdataSink.class.getDeclaredMethod("getConfig");
        getConfig.setAccessible(true);
        return (HotdataSinkConfig) getConfig.invoke(builder.build());
    }
}
