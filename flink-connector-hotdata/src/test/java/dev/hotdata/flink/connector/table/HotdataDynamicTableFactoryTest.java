package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.format.ParquetCompression;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataSinkConfig;
import dev.hotdata.flink.connector.sink.HotdataSinkConfigs;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.flink.connector.table.sink.HotdataDynamicTableSink;
import dev.hotdata.flink.connector.table.source.HotdataDynamicTableSource;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.utils.FactoryMocks;
import org.apache.flink.table.runtime.connector.sink.SinkRuntimeProviderContext;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options of {@code 'connector' = 'hotdata'} as the planner hands them to the factory. */
class HotdataDynamicTableFactoryTest {

    private static final ResolvedSchema KEYED =
            new ResolvedSchema(
                    Arrays.asList(
                            Column.physical("id", DataTypes.BIGINT().notNull()),
                            Column.physical("name", DataTypes.STRING()),
                            Column.physical("ts", DataTypes.TIMESTAMP_LTZ(3))),
                    Collections.emptyList(),
                    UniqueConstraint.primaryKey("pk", Collections.singletonList("id")),
                    Collections.emptyList());

    private static final ResolvedSchema UNKEYED =
            ResolvedSchema.of(
                    Column.physical("id", DataTypes.BIGINT()),
                    Column.physical("name", DataTypes.STRING()));

    private static Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "hotdata");
        options.put("api-key", "test-key");
        options.put("workspace-id", "ws_test");
        options.put("endpoint", "http://127.0.0.1:1");
        options.put("database", "sales");
        return options;
    }

    private static Map<String, String> options(String key, String value) {
        Map<String, String> options = options();
        options.put(key, value);
        return options;
    }

    private static HotdataSinkConfig sinkConfig(DynamicTableSink sink) {
        SinkV2Provider provider =
                (SinkV2Provider) sink.getSinkRuntimeProvider(new SinkRuntimeProviderContext(false));
        return HotdataSinkConfigs.of((HotdataSink<?>) provider.createSink());
    }

    @Test
    void mapsEveryOptionToTheSink() {
        Map<String, String> options = options();
        options.put("schema", "Raw");
        options.put("table", "Orders");
        options.put("sink.write-mode", "insert-only");
        options.put("sink.max-retries", "7");
        options.put("sink.retry.backoff", "250 ms");
        options.put("sink.rolling.max-bytes", "1 mb");
        options.put("sink.buffer-flush.max-bytes", "2 mb");
        options.put("sink.parquet.compression", "snappy");
        options.put("sorted-by", "ts desc nulls last, id");
        options.put("declared-tables", "a;b");
        options.put("create-database-if-missing", "false");

        DynamicTableSink sink = FactoryMocks.createTableSink(KEYED, options);
        assertThat(sink).isInstanceOf(HotdataDynamicTableSink.class);
        assertThat(sink.getChangelogMode(ChangelogMode.all()))
                .isEqualTo(ChangelogMode.insertOnly());

        HotdataSinkConfig config = sinkConfig(sink);
        assertThat(config.writeMode()).isEqualTo(HotdataWriteMode.INSERT_ONLY);
        assertThat(config.databaseName()).isEqualTo("sales");
        assertThat(config.createDatabaseIfMissing()).isFalse();
        assertThat(config.schema()).isEqualTo("raw");
        assertThat(config.table()).isEqualTo("orders");
        assertThat(config.keyColumns()).containsExactly("id");
        assertThat(config.declaredTables()).containsExactly("a", "b");
        assertThat(config.rollingMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(config.bufferFlushMaxBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.parquetOptions().compression()).isEqualTo(ParquetCompression.SNAPPY);
        assertThat(config.clientConfig().endpoint()).isEqualTo("http://127.0.0.1:1");
        assertThat(config.clientConfig().workspaceId()).isEqualTo("ws_test");
        assertThat(config.clientConfig().retryPolicy().maxRetries()).isEqualTo(7);
        assertThat(config.clientConfig().retryPolicy().initialBackoff())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(config.layout().sortedBy())
                .extracting(k -> k.column() + " " + k.direction() + " " + k.nulls())
                .containsExactly("ts desc last", "id asc null");
    }

    @Test
    void theModeFollowsThePrimaryKeyAndInsertOverwriteReplaces() {
        DynamicTableSink keyed = FactoryMocks.createTableSink(KEYED, options());
        assertThat(sinkConfig(keyed).writeMode()).isEqualTo(HotdataWriteMode.UPSERT);
        assertThat(keyed.getChangelogMode(ChangelogMode.all())).isEqualTo(ChangelogMode.upsert());

        DynamicTableSink plain = FactoryMocks.createTableSink(UNKEYED, options());
        assertThat(sinkConfig(plain).writeMode()).isEqualTo(HotdataWriteMode.APPEND);

        ((HotdataDynamicTableSink) plain).applyOverwrite(true);
        assertThat(sinkConfig(plain).writeMode()).isEqualTo(HotdataWriteMode.REPLACE);
        assertThat(plain.asSummaryString()).contains("replace");
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(
                        () ->
                                FactoryMocks.createTableSink(
                                        UNKEYED, options("sink.write-mode", "merge")))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("sink.write-mode")
                .hasStackTraceContaining("merge");
        assertThatThrownBy(
                        () ->
                                FactoryMocks.createTableSink(
                                        UNKEYED, options("sink.write-mode", "upsert")))
                .hasStackTraceContaining("'sink.write-mode' = 'upsert' needs a PRIMARY KEY");
        assertThatThrownBy(
                        () ->
                                FactoryMocks.createTableSink(
                                        UNKEYED, options("sink.delivery-guarantee", "none")))
                .hasStackTraceContaining("'sink.delivery-guarantee' = 'none' is not supported");
        assertThatThrownBy(
                        () ->
                                FactoryMocks.createTableSink(
                                        UNKEYED, options("sink.rolling.max-bytes", "0 b")))
                .hasStackTraceContaining("'sink.rolling.max-bytes' must be positive");
        assertThatThrownBy(
                        () -> FactoryMocks.createTableSink(UNKEYED, options("sorted-by", "id up")))
                .hasStackTraceContaining("'sorted-by'");
        assertThatThrownBy(
                        () -> FactoryMocks.createTableSink(UNKEYED, options("no-such-option", "1")))
                .hasStackTraceContaining("no-such-option");
        assertThatThrownBy(
                        () ->
                                FactoryMocks.createTableSource(
                                        UNKEYED, options("scan.fetch-size", "0")))
                .hasStackTraceContaining("'scan.fetch-size' must be positive");
    }

    @Test
    void atLeastOnceIsAcceptedAndBehavesAsExactlyOnce() {
        DynamicTableSink sink =
                FactoryMocks.createTableSink(
                        UNKEYED, options("sink.delivery-guarantee", "at-least-once"));
        assertThat(sinkConfig(sink).writeMode()).isEqualTo(HotdataWriteMode.APPEND);
    }

    @Test
    void createsTheScanSource() {
        DynamicTableSource source =
                FactoryMocks.createTableSource(UNKEYED, options("table", "Events"));
        assertThat(source).isInstanceOf(HotdataDynamicTableSource.class);
        assertThat(((HotdataDynamicTableSource) source).sql())
                .contains("\"id\"")
                .contains("\"name\"")
                .contains("events");
    }
}
