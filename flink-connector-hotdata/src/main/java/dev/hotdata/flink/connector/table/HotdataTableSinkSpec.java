package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.sink.HotdataTableLayout;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the planner told the factory about one {@code hotdata} table: its options, columns, key and
 * partitioning. Builds the {@link HotdataSink}, once to validate when the table is planned and
 * again when the planner asks for the runtime sink (an {@code INSERT OVERWRITE} changes the mode).
 */
@Internal
final class HotdataTableSinkSpec {

    private final Configuration options;
    private final RowType rowType;
    private final List<String> primaryKey;
    private final List<String> partitionKeys;
    private final String tableName;
    private final String defaultTable;

    HotdataTableSinkSpec(
            ReadableConfig options,
            RowType rowType,
            List<String> primaryKey,
            List<String> partitionKeys,
            String tableName,
            String defaultTable) {
        this.options = copy(options);
        this.rowType = rowType;
        this.primaryKey = Collections.unmodifiableList(new ArrayList<>(primaryKey));
        this.partitionKeys = Collections.unmodifiableList(new ArrayList<>(partitionKeys));
        this.tableName = tableName;
        this.defaultTable = defaultTable;
    }

    private static Configuration copy(ReadableConfig options) {
        Configuration copy = new Configuration();
        for (org.apache.flink.configuration.ConfigOption<?> option :
                HotdataDynamicTableSinkFactory.allOptions()) {
            copyOption(options, copy, option);
        }
        return copy;
    }

    private static <T> void copyOption(
            ReadableConfig from,
            Configuration to,
            org.apache.flink.configuration.ConfigOption<T> option) {
        from.getOptional(option).ifPresent(value -> to.set(option, value));
    }

    /** The Flink table, for messages. */
    String tableName() {
        return tableName;
    }

    List<String> primaryKey() {
        return primaryKey;
    }

    List<String> partitionKeys() {
        return partitionKeys;
    }

    /** The mode the table's options and key ask for (INSERT OVERWRITE aside). */
    HotdataWriteMode configuredMode() {
        String value = options.get(HotdataConnectorOptions.WRITE_MODE);
        if (value == null) {
            return primaryKey.isEmpty() ? HotdataWriteMode.APPEND : HotdataWriteMode.UPSERT;
        }
        HotdataWriteMode mode;
        try {
            mode = HotdataWriteMode.fromOptionValue(value);
        } catch (IllegalArgumentException e) {
            throw invalid(
                    "Option '" + HotdataConnectorOptions.WRITE_MODE.key() + "': " + e.getMessage());
        }
        if (mode.requiresKey() && primaryKey.isEmpty()) {
            throw invalid(
                    "Option '"
                            + HotdataConnectorOptions.WRITE_MODE.key()
                            + "' = '"
                            + value
                            + "' needs a PRIMARY KEY, but the table declares none. Add"
                            + " 'PRIMARY KEY (...) NOT ENFORCED' or use 'append'.");
        }
        return mode;
    }

    /** Builds the sink in the configured mode, or in {@code replace} mode for INSERT OVERWRITE. */
    HotdataSink<RowData> buildSink(boolean overwrite) {
        HotdataWriteMode mode = overwrite ? HotdataWriteMode.REPLACE : configuredMode();
        String guarantee =
                options.get(HotdataConnectorOptions.DELIVERY_GUARANTEE)
                        .trim()
                        .toLowerCase(Locale.ROOT);
        if (!guarantee.equals("exactly-once") && !guarantee.equals("at-least-once")) {
            throw invalid(
                    "Option '"
                            + HotdataConnectorOptions.DELIVERY_GUARANTEE.key()
                            + "' = '"
                            + options.get(HotdataConnectorOptions.DELIVERY_GUARANTEE)
                            + "' is not supported. Valid values: exactly-once, at-least-once"
                            + " (both publish each row exactly once).");
        }
        checkPositive(
                HotdataConnectorOptions.ROLLING_MAX_BYTES,
                options.get(HotdataConnectorOptions.ROLLING_MAX_BYTES).getBytes());
        checkPositive(
                HotdataConnectorOptions.BUFFER_FLUSH_MAX_BYTES,
                options.get(HotdataConnectorOptions.BUFFER_FLUSH_MAX_BYTES).getBytes());
        checkPositive(
                HotdataConnectorOptions.RETRY_BACKOFF,
                options.get(HotdataConnectorOptions.RETRY_BACKOFF).toMillis());
        if (options.get(HotdataConnectorOptions.MAX_RETRIES) < 0) {
            throw invalid(
                    "Option '"
                            + HotdataConnectorOptions.MAX_RETRIES.key()
                            + "' must be 0 or more, but is "
                            + options.get(HotdataConnectorOptions.MAX_RETRIES)
                            + ".");
        }
        HotdataSinkBuilder<RowData> builder =
                HotdataSink.<RowData>builder()
                        .setRowType(rowType)
                        .setWriteMode(mode)
                        .setKeyColumns(primaryKey.toArray(new String[0]))
                        .setTable(
                                options.getOptional(HotdataConnectorOptions.TABLE)
                                        .orElse(defaultTable))
                        .setSchema(options.get(HotdataConnectorOptions.SCHEMA))
                        .setCreateDatabaseIfMissing(
                                options.get(HotdataConnectorOptions.CREATE_DATABASE_IF_MISSING))
                        .setMaxRetries(options.get(HotdataConnectorOptions.MAX_RETRIES))
                        .setRetryBackoff(options.get(HotdataConnectorOptions.RETRY_BACKOFF))
                        .setRollingMaxBytes(
                                options.get(HotdataConnectorOptions.ROLLING_MAX_BYTES).getBytes())
                        .setBufferFlushMaxBytes(
                                options.get(HotdataConnectorOptions.BUFFER_FLUSH_MAX_BYTES)
                                        .getBytes())
                        .setParquetOptions(
                                ParquetWriterOptions.builder()
                                        .compression(
                                                options.get(
                                                        HotdataConnectorOptions
                                                                .PARQUET_COMPRESSION))
                                        .build())
                        .setTableLayout(layout());
        options.getOptional(HotdataConnectorOptions.API_KEY).ifPresent(builder::setApiKey);
        options.getOptional(HotdataConnectorOptions.WORKSPACE_ID)
                .ifPresent(builder::setWorkspaceId);
        options.getOptional(HotdataConnectorOptions.ENDPOINT).ifPresent(builder::setEndpoint);
        builder.setAllowPlainHttp(options.get(HotdataConnectorOptions.ALLOW_PLAIN_HTTP));
        options.getOptional(HotdataConnectorOptions.DATABASE).ifPresent(builder::setDatabase);
        options.getOptional(HotdataConnectorOptions.DATABASE_ID).ifPresent(builder::setDatabaseId);
        options.getOptional(HotdataConnectorOptions.DECLARED_TABLES)
                .ifPresent(tables -> builder.setDeclaredTables(tables.toArray(new String[0])));
        try {
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw invalid(e.getMessage());
        }
    }

    private void checkPositive(org.apache.flink.configuration.ConfigOption<?> option, long value) {
        if (value <= 0) {
            throw invalid(
                    "Option '"
                            + option.key()
                            + "' must be positive, but is '"
                            + options.toMap().get(option.key())
                            + "'.");
        }
    }

    private HotdataTableLayout layout() {
        HotdataTableLayout.Builder layout = HotdataTableLayout.builder();
        for (String column : partitionKeys) {
            layout.partitionBy(column);
        }
        String sortedBy = options.get(HotdataConnectorOptions.SORTED_BY);
        if (sortedBy != null) {
            for (String part : sortedBy.split(",")) {
                String[] words = part.trim().split("\\s+");
                String column = words[0];
                String direction = "asc";
                String nulls = null;
                int i = 1;
                if (i < words.length && !words[i].equalsIgnoreCase("nulls")) {
                    direction = words[i++];
                }
                if (i + 1 < words.length && words[i].equalsIgnoreCase("nulls")) {
                    nulls = words[i + 1];
                    i += 2;
                }
                if (column.isEmpty() || i != words.length) {
                    throw invalid(
                            "Option '"
                                    + HotdataConnectorOptions.SORTED_BY.key()
                                    + "': cannot read '"
                                    + part.trim()
                                    + "'. Expected 'column [asc|desc] [nulls first|last]',"
                                    + " separated by commas.");
                }
                try {
                    layout.sortedBy(column, direction, nulls);
                } catch (IllegalArgumentException e) {
                    throw invalid(
                            "Option '"
                                    + HotdataConnectorOptions.SORTED_BY.key()
                                    + "': "
                                    + e.getMessage());
                }
            }
        }
        return layout.build();
    }

    ValidationException invalid(String message) {
        return new ValidationException("Invalid 'hotdata' table " + tableName + ": " + message);
    }
}
