package dev.hotdata.flink.connector.sink;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DayTimeIntervalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HotdataSinkBuilderTest {

    private static final String KEY = "hd_secret_key_123";

    private static final RowType ROW =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false), new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    new String[] {"id", "name"});

    private static HotdataSinkBuilder<Object> builder(Map<String, String> env) {
        return new HotdataSinkBuilder<Object>(env)
                .setEndpoint("http://127.0.0.1:1")
                .setTable("orders")
                .setRowType(ROW);
    }

    private static HotdataSinkBuilder<Object> builder() {
        return builder(Collections.emptyMap()).setApiKey(KEY).setWorkspaceId("ws");
    }

    @Test
    void defaultsComeFromTheEnvironmentAndTheKeyIsNeverPrinted() {
        Map<String, String> env = new HashMap<>();
        env.put("HOTDATA_API_KEY", KEY);
        env.put("HOTDATA_WORKSPACE", "ws_env");
        env.put("HOTDATA_DATABASE", "sales");
        HotdataSinkConfig config = builder(env).build().getConfig();
        assertThat(config.databaseName()).isEqualTo("sales");
        // connection settings are read where the sink runs, not when it is built
        assertThat(config.clientConfig().workspaceId()).isNull();
        assertThat(config.clientConfig().hasExplicitApiKey()).isFalse();
        assertThat(config.clientConfig().resolve(env::get).workspaceId()).isEqualTo("ws_env");
        assertThat(config.schema()).isEqualTo("public");
        assertThat(config.writeMode()).isEqualTo(HotdataWriteMode.APPEND);
        assertThat(config.sinkId()).isNotBlank();
        assertThat(config.toString()).doesNotContain(KEY).contains("sales.public.orders");
    }

    @Test
    void missingCredentialsNameTheSettingAndItsVariableWhereTheSinkRuns() {
        HotdataSinkConfig noKey =
                builder(Collections.emptyMap()).setWorkspaceId("ws").build().getConfig();
        assertThatThrownBy(
                        () ->
                                noKey.clientConfig()
                                        .resolve(Collections.<String, String>emptyMap()::get))
                .hasMessageContaining("HOTDATA_API_KEY");
        HotdataSinkConfig noWorkspace =
                builder(Collections.emptyMap()).setApiKey(KEY).build().getConfig();
        assertThatThrownBy(
                        () ->
                                noWorkspace
                                        .clientConfig()
                                        .resolve(Collections.<String, String>emptyMap()::get))
                .hasMessageContaining("HOTDATA_WORKSPACE")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void unsupportedColumnTypesFailAtConstructionNamingColumnAndType() {
        RowType withInterval =
                RowType.of(
                        new LogicalType[] {
                            new DayTimeIntervalType(DayTimeIntervalType.DayTimeResolution.DAY)
                        },
                        new String[] {"wait"});
        assertThatThrownBy(() -> builder().setRowType(withInterval).build())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'wait'")
                .hasMessageContaining("INTERVAL");
    }

    @Test
    void badSettingsNameTheValue() {
        assertThatThrownBy(() -> builder().setTable("my-orders").build())
                .hasMessageContaining("'my-orders'");
        assertThatThrownBy(() -> builder().setTable("_flink_commits").build())
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> builder().setTable("_flink_tables").build())
                .hasMessageContaining("'_flink_tables'")
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> builder().setKeyColumns("missing").build())
                .hasMessageContaining("'missing'");
        assertThatThrownBy(() -> builder().setWriteMode(HotdataWriteMode.INSERT_ONLY).build())
                .hasMessageContaining("insert-only")
                .hasMessageContaining("key");
        assertThatThrownBy(() -> builder().setRollingMaxBytes(0).build()).hasMessageContaining("0");
        assertThatThrownBy(() -> builder().setMaxRetries(-1).build()).hasMessageContaining("-1");
        assertThatThrownBy(
                        () ->
                                builder()
                                        .setTableLayout(
                                                HotdataTableLayout.builder()
                                                        .partitionBy("nope")
                                                        .build())
                                        .build())
                .hasMessageContaining("'nope'");
        assertThatThrownBy(() -> builder().setEndpoint("http://example.com").build())
                .hasMessageContaining("http");
    }

    @Test
    void theModeFollowsTheKeyAndKeyedModesNeedOne() {
        assertThat(builder().setKeyColumns("id").build().getConfig().writeMode())
                .isEqualTo(HotdataWriteMode.UPSERT);
        assertThat(builder().build().getConfig().writeMode()).isEqualTo(HotdataWriteMode.APPEND);
        assertThatThrownBy(() -> builder().setWriteMode(HotdataWriteMode.INSERT_ONLY).build())
                .hasMessageContaining("'insert-only' needs key columns");
        assertThatThrownBy(
                        () ->
                                builder()
                                        .setWriteMode(HotdataWriteMode.REPLACE)
                                        .setCommitLogEnabled(false)
                                        .build())
                .hasMessageContaining("commit log");
        assertThatThrownBy(() -> builder().setBufferFlushMaxBytes(0).build())
                .hasMessageContaining("buffer flush max bytes");
        assertThatThrownBy(() -> builder().setDeclaredTables("ok", "not ok").build())
                .hasMessageContaining("'not ok'");
    }

    @Test
    void tablesAndSchemasAreLowerCased() {
        HotdataSinkConfig config =
                builder()
                        .setTable("Orders")
                        .setSchema("Sales")
                        .setDatabaseId("db1")
                        .build()
                        .getConfig();
        assertThat(config.table()).isEqualTo("orders");
        assertThat(config.schema()).isEqualTo("sales");
        assertThat(config.databaseId()).isEqualTo("db1");
        assertThat(config.databaseName()).isNull();
    }
}
