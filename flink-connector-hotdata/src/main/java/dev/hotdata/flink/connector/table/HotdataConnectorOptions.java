package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.format.ParquetCompression;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;
import java.util.List;

/**
 * Options of the {@code hotdata} table connector. Connection options fall back to the environment
 * variables all of Hotdata's tools read. {@code api-key} is hidden wherever Flink prints
 * configuration (Flink masks keys containing "api-key"); prefer the environment variable, since
 * {@code SHOW CREATE TABLE} prints table options as written.
 */
@PublicEvolving
public final class HotdataConnectorOptions {

    private HotdataConnectorOptions() {}

    public static final ConfigOption<String> API_KEY =
            ConfigOptions.key("api-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Hotdata API key. A key given here travels with the job graph."
                                    + " Default: the HOTDATA_API_KEY environment variable, read"
                                    + " on the JobManager and TaskManagers where the job runs"
                                    + " (the key then stays out of the job graph).");

    public static final ConfigOption<String> WORKSPACE_ID =
            ConfigOptions.key("workspace-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Hotdata workspace id. Default: the HOTDATA_WORKSPACE environment"
                                    + " variable where the job runs.");

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "API base URL. Default: HOTDATA_API_URL where the job runs, else"
                                    + " https://api.hotdata.dev."
                                    + " Plain http only to loopback addresses.");

    /**
     * The SQL counterpart of the DataStream builder's {@code setAllowPlainHttp}: without it a plain
     * {@code http://} endpoint is refused unless it is a loopback address, because the API key
     * would travel unencrypted.
     */
    public static final ConfigOption<Boolean> ALLOW_PLAIN_HTTP =
            ConfigOptions.key("allow-plain-http")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Allow a plain http:// endpoint that is not a loopback address (the"
                                    + " API key then travels unencrypted). Default: false.");

    public static final ConfigOption<String> DATABASE =
            ConfigOptions.key("database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Database name; must match exactly one database (or none, when"
                                    + " 'create-database-if-missing' is on). Default:"
                                    + " HOTDATA_DATABASE, else 'flink'.");

    public static final ConfigOption<String> DATABASE_ID =
            ConfigOptions.key("database-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database id; pins the database and wins over 'database'.");

    public static final ConfigOption<Boolean> CREATE_DATABASE_IF_MISSING =
            ConfigOptions.key("create-database-if-missing")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Create the database named by 'database' when missing.");

    public static final ConfigOption<String> SCHEMA =
            ConfigOptions.key("schema")
                    .stringType()
                    .defaultValue("public")
                    .withDescription("Schema of the Hotdata table.");

    public static final ConfigOption<String> TABLE =
            ConfigOptions.key("table")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Hotdata table name. Default: the Flink table's name.");

    public static final ConfigOption<HotdataWriteMode> WRITE_MODE =
            ConfigOptions.key("sink.write-mode")
                    .enumType(HotdataWriteMode.class)
                    .noDefaultValue()
                    .withDescription(
                            "How rows are published. Default: upsert with a PRIMARY KEY, else"
                                    + " append. INSERT OVERWRITE always replaces.");

    public static final ConfigOption<List<String>> DECLARED_TABLES =
            ConfigOptions.key("declared-tables")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Further tables (separated by ';') to declare in 'schema' when the"
                                    + " sink creates the database, for tables other jobs fill.");

    public static final ConfigOption<String> SORTED_BY =
            ConfigOptions.key("sorted-by")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Sort key declared with the table when the sink creates it, e.g."
                                    + " 'ts desc nulls last, id'. PARTITIONED BY columns become"
                                    + " the table's partition_by.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE =
            ConfigOptions.key("sink.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
                    .withDescription(
                            "exactly-once (default) or at-least-once, which behaves the same:"
                                    + " publishing is idempotent, so the sink never needs to"
                                    + " give up exactly-once. 'none' is refused.");

    public static final ConfigOption<MemorySize> BUFFER_FLUSH_MAX_BYTES =
            ConfigOptions.key("sink.buffer-flush.max-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(64))
                    .withDescription(
                            "Upsert mode: heap a writer may use to reduce a checkpoint's changes"
                                    + " per key before writing them out as a batch.");

    public static final ConfigOption<Integer> SCAN_FETCH_SIZE =
            ConfigOptions.key("scan.fetch-size")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Rows a reader fetches per page of the query result; a reader holds"
                                    + " at most one page in memory.");

    public static final ConfigOption<Integer> MAX_RETRIES =
            ConfigOptions.key("sink.max-retries")
                    .intType()
                    .defaultValue(5)
                    .withDescription("Retries of a transient failure per Hotdata call.");

    public static final ConfigOption<Duration> RETRY_BACKOFF =
            ConfigOptions.key("sink.retry.backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("First retry back-off; grows exponentially with jitter.");

    public static final ConfigOption<MemorySize> ROLLING_MAX_BYTES =
            ConfigOptions.key("sink.rolling.max-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(128))
                    .withDescription("Roll to a new local Parquet file past this size.");

    public static final ConfigOption<MemorySize> SMALL_FILES_MAX_BYTES =
            ConfigOptions.key("sink.small-files.max-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(4))
                    .withDescription(
                            "A writer whose files of a checkpoint add up to at most this size"
                                    + " hands them to the sink's single commit aggregator, which"
                                    + " merges every writer's files into one Parquet file (row"
                                    + " groups copied, not re-encoded) and uploads it: a"
                                    + " checkpoint then costs one load per table, whatever"
                                    + " 'sink.parallelism' is. Writers with more data upload in"
                                    + " parallel. 0 turns merging off.");

    public static final ConfigOption<ParquetCompression> PARQUET_COMPRESSION =
            ConfigOptions.key("sink.parquet.compression")
                    .enumType(ParquetCompression.class)
                    .defaultValue(ParquetCompression.ZSTD)
                    .withDescription("Codec of the uploaded Parquet files.");
}
