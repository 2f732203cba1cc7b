package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.flink.connector.sink.HotdataIdentifiers;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.sink.HotdataTableLayout;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.flink.connector.table.sink.HotdataDynamicTableSink;
import dev.hotdata.flink.connector.table.source.HotdataDynamicTableSource;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.ALLOW_PLAIN_HTTP;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.API_KEY;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.BUFFER_FLUSH_MAX_BYTES;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.CREATE_DATABASE_IF_MISSING;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.DATABASE;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.DATABASE_ID;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.DECLARED_TABLES;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.DELIVERY_GUARANTEE;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.ENDPOINT;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.MAX_RETRIES;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.PARQUET_COMPRESSION;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.RETRY_BACKOFF;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.ROLLING_MAX_BYTES;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.SCAN_FETCH_SIZE;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.SCHEMA;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.SMALL_FILES_MAX_BYTES;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.SORTED_BY;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.TABLE;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.WORKSPACE_ID;
import static dev.hotdata.flink.connector.table.HotdataConnectorOptions.WRITE_MODE;

/**
 * The one place where the {@code hotdata} options are checked and mapped: to the client's
 * connection (also for the catalog), to a {@link HotdataSink} for the table sink, and to the scan
 * source. Messages name the table, the option and the value.
 */
@Internal
public final class HotdataConnectorOptionsUtil {

    private HotdataConnectorOptionsUtil() {}

    /** Every option of the {@code hotdata} table connector. */
    public static List<ConfigOption<?>> allOptions() {
        return Arrays.asList(
                API_KEY,
                WORKSPACE_ID,
                ENDPOINT,
                ALLOW_PLAIN_HTTP,
                DATABASE,
                DATABASE_ID,
                CREATE_DATABASE_IF_MISSING,
                SCHEMA,
                TABLE,
                DECLARED_TABLES,
                SORTED_BY,
                WRITE_MODE,
                DELIVERY_GUARANTEE,
                MAX_RETRIES,
                RETRY_BACKOFF,
                ROLLING_MAX_BYTES,
                SMALL_FILES_MAX_BYTES,
                BUFFER_FLUSH_MAX_BYTES,
                PARQUET_COMPRESSION,
                SCAN_FETCH_SIZE,
                FactoryUtil.SINK_PARALLELISM);
    }

    /**
     * The connection the options describe: {@code api-key}, {@code workspace-id}, {@code endpoint}
     * and {@code allow-plain-http}. The environment is not read here: an option left unset is read
     * from its environment variable where a client is created (on the JobManager or a TaskManager
     * for a job), so a key from the environment never enters the job graph.
     */
    public static HotdataClientConfig.Builder connection(ReadableConfig options) {
        HotdataClientConfig.Builder client = HotdataClientConfig.builder();
        options.getOptional(API_KEY).ifPresent(client::apiKey);
        options.getOptional(WORKSPACE_ID).ifPresent(client::workspaceId);
        options.getOptional(ENDPOINT).ifPresent(client::endpoint);
        options.getOptional(ALLOW_PLAIN_HTTP).ifPresent(client::allowPlainHttp);
        return client;
    }

    /** The table sink of a {@code hotdata} table, every option checked now. */
    public static HotdataDynamicTableSink createTableSink(
            ReadableConfig tableOptions,
            RowType rowType,
            List<String> primaryKey,
            List<String> partitionKeys,
            String tableName,
            String defaultTable) {
        Configuration options = copy(tableOptions);
        HotdataWriteMode configured = configuredMode(options, primaryKey, tableName);
        DeliveryGuarantee guarantee = options.get(DELIVERY_GUARANTEE);
        if (guarantee == DeliveryGuarantee.NONE) {
            throw invalid(
                    tableName,
                    "Option '"
                            + DELIVERY_GUARANTEE.key()
                            + "' = 'none' is not supported. Valid values: exactly-once,"
                            + " at-least-once (both publish each row exactly once).");
        }
        checkPositive(
                tableName, options, ROLLING_MAX_BYTES, options.get(ROLLING_MAX_BYTES).getBytes());
        checkPositive(
                tableName,
                options,
                BUFFER_FLUSH_MAX_BYTES,
                options.get(BUFFER_FLUSH_MAX_BYTES).getBytes());
        checkPositive(tableName, options, RETRY_BACKOFF, options.get(RETRY_BACKOFF).toMillis());
        if (options.get(MAX_RETRIES) < 0) {
            throw invalid(
                    tableName,
                    "Option '"
                            + MAX_RETRIES.key()
                            + "' must be 0 or more, but is "
                            + options.get(MAX_RETRIES)
                            + ".");
        }
        HotdataTableLayout layout = layout(options, partitionKeys, tableName);
        Function<HotdataWriteMode, HotdataSink<RowData>> sinks =
                mode ->
                        buildSink(
                                options,
                                rowType,
                                primaryKey,
                                layout,
                                mode,
                                tableName,
                                defaultTable);
        sinks.apply(configured); // every setting checked when the table is planned
        return new HotdataDynamicTableSink(
                tableName,
                configured,
                sinks,
                options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
    }

    /** The scan source of a {@code hotdata} table. */
    public static HotdataDynamicTableSource createTableSource(
            ReadableConfig options, RowType rowType, String tableName, String defaultTable) {
        int fetchSize = options.get(SCAN_FETCH_SIZE);
        if (fetchSize <= 0) {
            throw invalid(
                    tableName,
                    "Option '"
                            + SCAN_FETCH_SIZE.key()
                            + "' must be positive, but is "
                            + fetchSize
                            + ".");
        }
        try {
            return new HotdataDynamicTableSource(
                    connection(options).build(),
                    databaseName(options),
                    options.getOptional(DATABASE_ID).orElse(null),
                    HotdataIdentifiers.normalize(options.get(SCHEMA), "schema"),
                    HotdataIdentifiers.normalize(
                            options.getOptional(TABLE).orElse(defaultTable), "table"),
                    rowType,
                    fetchSize);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ValidationException(
                    "Invalid 'hotdata' table " + tableName + ": " + e.getMessage(), e);
        }
    }

    private static String databaseName(ReadableConfig options) {
        return options.getOptional(DATABASE)
                .orElse(
                        System.getenv()
                                .getOrDefault(
                                        "HOTDATA_DATABASE", HotdataSinkBuilder.DEFAULT_DATABASE));
    }

    private static Configuration copy(ReadableConfig options) {
        Configuration copy = new Configuration();
        for (ConfigOption<?> option : allOptions()) {
            copyOption(options, copy, option);
        }
        return copy;
    }

    private static <T> void copyOption(ReadableConfig from, Configuration to, ConfigOption<T> o) {
        from.getOptional(o).ifPresent(value -> to.set(o, value));
    }

    /** The mode the table's options and key ask for (INSERT OVERWRITE aside). */
    private static HotdataWriteMode configuredMode(
            ReadableConfig options, List<String> primaryKey, String tableName) {
        HotdataWriteMode mode = options.get(WRITE_MODE);
        if (mode == null) {
            return primaryKey.isEmpty() ? HotdataWriteMode.APPEND : HotdataWriteMode.UPSERT;
        }
        if (mode.requiresKey() && primaryKey.isEmpty()) {
            throw invalid(
                    tableName,
                    "Option '"
                            + WRITE_MODE.key()
                            + "' = '"
                            + mode
                            + "' needs a PRIMARY KEY, but the table declares none. Add"
                            + " 'PRIMARY KEY (...) NOT ENFORCED' or use 'append'.");
        }
        return mode;
    }

    private static HotdataSink<RowData> buildSink(
            ReadableConfig options,
            RowType rowType,
            List<String> primaryKey,
            HotdataTableLayout layout,
            HotdataWriteMode mode,
            String tableName,
            String defaultTable) {
        try {
            HotdataSinkBuilder<RowData> builder =
                    HotdataSink.<RowData>builder()
                            .setClientConfig(connection(options).build())
                            .setRowType(rowType)
                            .setWriteMode(mode)
                            .setKeyColumns(primaryKey.toArray(new String[0]))
                            .setTable(options.getOptional(TABLE).orElse(defaultTable))
                            .setSchema(options.get(SCHEMA))
                            .setCreateDatabaseIfMissing(options.get(CREATE_DATABASE_IF_MISSING))
                            .setMaxRetries(options.get(MAX_RETRIES))
                            .setRetryBackoff(options.get(RETRY_BACKOFF))
                            .setRollingMaxBytes(options.get(ROLLING_MAX_BYTES).getBytes())
                            .setSmallFilesMaxBytes(options.get(SMALL_FILES_MAX_BYTES).getBytes())
                            .setBufferFlushMaxBytes(options.get(BUFFER_FLUSH_MAX_BYTES).getBytes())
                            .setParquetOptions(
                                    ParquetWriterOptions.builder()
                                            .compression(options.get(PARQUET_COMPRESSION))
                                            .build())
                            .setTableLayout(layout);
            options.getOptional(DATABASE).ifPresent(builder::setDatabase);
            options.getOptional(DATABASE_ID).ifPresent(builder::setDatabaseId);
            options.getOptional(DECLARED_TABLES)
                    .ifPresent(tables -> builder.setDeclaredTables(tables.toArray(new String[0])));
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw invalid(tableName, e.getMessage());
        }
    }

    private static void checkPositive(
            String tableName, Configuration options, ConfigOption<?> option, long value) {
        if (value <= 0) {
            throw invalid(
                    tableName,
                    "Option '"
                            + option.key()
                            + "' must be positive, but is '"
                            + options.toMap().get(option.key())
                            + "'.");
        }
    }

    /**
     * {@code PARTITIONED BY} and {@code sorted-by} ('column [asc|desc] [nulls first|last], ...').
     */
    private static HotdataTableLayout layout(
            ReadableConfig options, List<String> partitionKeys, String tableName) {
        HotdataTableLayout.Builder layout = HotdataTableLayout.builder();
        for (String column : partitionKeys) {
            layout.partitionBy(column);
        }
        String sortedBy = options.get(SORTED_BY);
        if (sortedBy == null) {
            return layout.build();
        }
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
                        tableName,
                        "Option '"
                                + SORTED_BY.key()
                                + "': cannot read '"
                                + part.trim()
                                + "'. Expected 'column [asc|desc] [nulls first|last]',"
                                + " separated by commas.");
            }
            try {
                layout.sortedBy(column, direction, nulls);
            } catch (IllegalArgumentException e) {
                throw invalid(tableName, "Option '" + SORTED_BY.key() + "': " + e.getMessage());
            }
        }
        return layout.build();
    }

    private static ValidationException invalid(String tableName, String message) {
        return new ValidationException("Invalid 'hotdata' table " + tableName + ": " + message);
    }
}
