package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.RetryPolicy;
import dev.hotdata.flink.connector.format.HotdataTypeSupport;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds a {@link HotdataSink}. Connection settings fall back to the environment variables all of
 * Hotdata's tools read: {@code HOTDATA_API_URL}, {@code HOTDATA_API_KEY} and {@code
 * HOTDATA_WORKSPACE} are read where the sink runs (by its writers and committers on the
 * TaskManagers), not where the job is built, so a key set only in the cluster's environment is
 * enough and never enters the job graph; {@code HOTDATA_DATABASE} is read when the sink is built. A
 * key given with {@link #setApiKey} is part of the sink and travels, serialized, with the job.
 *
 * <pre>{@code
 * HotdataSink<RowData> sink = HotdataSink.<RowData>builder()
 *     .setDatabase("sales")
 *     .setTable("orders")
 *     .setRowType(rowType)
 *     .build();
 * }</pre>
 *
 * @param <IN> the stream's element type
 */
@PublicEvolving
public class HotdataSinkBuilder<IN> {

    /** Database used when none is given and {@code HOTDATA_DATABASE} is unset. */
    public static final String DEFAULT_DATABASE = "flink";

    public static final String DEFAULT_SCHEMA = "public";
    public static final long DEFAULT_ROLLING_MAX_BYTES = 128L * 1024 * 1024;

    /** See {@link #setSmallFilesMaxBytes(long)}. */
    public static final long DEFAULT_SMALL_FILES_MAX_BYTES = 4L * 1024 * 1024;

    public static final long DEFAULT_BUFFER_FLUSH_MAX_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);

    private final Map<String, String> environment;

    private String endpoint;
    private String apiKey;
    private String workspaceId;
    private boolean allowPlainHttp;
    private String databaseName;
    private String databaseId;
    private boolean createDatabaseIfMissing = true;
    private String schema = DEFAULT_SCHEMA;
    private String table;
    private HotdataWriteMode writeMode;
    private List<String> keyColumns = new ArrayList<>();
    private HotdataTableLayout layout = HotdataTableLayout.none();
    private List<String> declaredTables = new ArrayList<>();
    private RowType rowType;
    private HotdataRowConverter<IN> converter;
    private long rollingMaxBytes = DEFAULT_ROLLING_MAX_BYTES;
    private long smallFilesMaxBytes = DEFAULT_SMALL_FILES_MAX_BYTES;
    private long bufferFlushMaxBytes = DEFAULT_BUFFER_FLUSH_MAX_BYTES;
    private ParquetWriterOptions parquetOptions;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Long uploadPartSize;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private String sinkId;
    private HotdataClientConfig clientConfig;
    private boolean commitLogEnabled = true;
    private boolean checkpointingRequired = true;

    HotdataSinkBuilder() {
        this(System.getenv());
    }

    HotdataSinkBuilder(Map<String, String> environment) {
        this.environment = environment;
    }

    /**
     * The API base URL; default {@code HOTDATA_API_URL} where the sink runs, else {@code
     * https://api.hotdata.dev}.
     */
    public HotdataSinkBuilder<IN> setEndpoint(String endpoint) {
        this.endpoint = endpoint;
        return this;
    }

    /**
     * The API key. Never logged or printed, but part of the sink: it travels with the job graph and
     * its serialized copies. Default (recommended): the {@code HOTDATA_API_KEY} environment
     * variable, read on the TaskManagers when the sink runs, so the key stays out of the job.
     */
    public HotdataSinkBuilder<IN> setApiKey(String apiKey) {
        this.apiKey = apiKey;
        return this;
    }

    /** The workspace id; default {@code HOTDATA_WORKSPACE} where the sink runs. */
    public HotdataSinkBuilder<IN> setWorkspaceId(String workspaceId) {
        this.workspaceId = workspaceId;
        return this;
    }

    /** Allows plain HTTP to a non-loopback endpoint (TLS is required otherwise). */
    public HotdataSinkBuilder<IN> setAllowPlainHttp(boolean allowPlainHttp) {
        this.allowPlainHttp = allowPlainHttp;
        return this;
    }

    /**
     * The database's name; it must match exactly one database of the workspace, or none when {@link
     * #setCreateDatabaseIfMissing} is on. Default {@code HOTDATA_DATABASE}, else {@code flink}.
     */
    public HotdataSinkBuilder<IN> setDatabase(String databaseName) {
        this.databaseName = databaseName;
        return this;
    }

    /** Pins the database by id (names are not unique in Hotdata); wins over the name. */
    public HotdataSinkBuilder<IN> setDatabaseId(String databaseId) {
        this.databaseId = databaseId;
        return this;
    }

    /** Whether a database named by {@link #setDatabase} is created when missing (default on). */
    public HotdataSinkBuilder<IN> setCreateDatabaseIfMissing(boolean create) {
        this.createDatabaseIfMissing = create;
        return this;
    }

    /** The schema of the table; default {@code public}. */
    public HotdataSinkBuilder<IN> setSchema(String schema) {
        this.schema = schema;
        return this;
    }

    /** The table to write; required. */
    public HotdataSinkBuilder<IN> setTable(String table) {
        this.table = table;
        return this;
    }

    /** The write mode; default {@code upsert} with key columns, else {@code append}. */
    public HotdataSinkBuilder<IN> setWriteMode(HotdataWriteMode writeMode) {
        this.writeMode = writeMode;
        return this;
    }

    /** The table's key columns (declared as the Hotdata table {@code key}). */
    public HotdataSinkBuilder<IN> setKeyColumns(String... keyColumns) {
        this.keyColumns = new ArrayList<>(Arrays.asList(keyColumns));
        return this;
    }

    /** Partitioning and sort keys declared when the sink creates the table. */
    public HotdataSinkBuilder<IN> setTableLayout(HotdataTableLayout layout) {
        this.layout = layout;
        return this;
    }

    /**
     * Further tables of the same schema to declare (empty, without a key) when the sink creates the
     * database, as Hotdata's loaders do for tables other jobs will fill.
     */
    public HotdataSinkBuilder<IN> setDeclaredTables(String... tables) {
        this.declaredTables = new ArrayList<>(Arrays.asList(tables));
        return this;
    }

    /** The row type of a {@code RowData} stream; no converter is needed. */
    public HotdataSinkBuilder<IN> setRowType(RowType rowType) {
        this.rowType = rowType;
        return this;
    }

    /** The row type and how to turn each element into a {@code RowData} of that type. */
    public HotdataSinkBuilder<IN> setRowConverter(
            RowType rowType, HotdataRowConverter<IN> converter) {
        this.rowType = rowType;
        this.converter = converter;
        return this;
    }

    /** A writer rolls to a new Parquet file past this many bytes; default 128 MiB. */
    public HotdataSinkBuilder<IN> setRollingMaxBytes(long rollingMaxBytes) {
        this.rollingMaxBytes = rollingMaxBytes;
        return this;
    }

    /**
     * A writer whose finished files of a checkpoint add up to at most this many bytes hands them to
     * the sink's commit aggregator instead of uploading them; the aggregator merges every writer's
     * small files into one Parquet file per checkpoint (row groups copied, not re-encoded) and
     * uploads it, so that a checkpoint costs one load however many writers there are. Writers with
     * more data upload in parallel, as always. Default 4 MiB; 0 turns merging off. Files larger
     * than the upload part size (8 MiB by default) start uploading while they are written and are
     * never merged.
     */
    public HotdataSinkBuilder<IN> setSmallFilesMaxBytes(long smallFilesMaxBytes) {
        this.smallFilesMaxBytes = smallFilesMaxBytes;
        return this;
    }

    /**
     * In {@code upsert} mode each writer reduces a checkpoint's changes per key in heap; past this
     * many bytes it writes the reduced changes out and starts a new batch. Default 64 MiB.
     */
    public HotdataSinkBuilder<IN> setBufferFlushMaxBytes(long bufferFlushMaxBytes) {
        this.bufferFlushMaxBytes = bufferFlushMaxBytes;
        return this;
    }

    /** Parquet codec, row group and page sizes; default ZSTD. */
    public HotdataSinkBuilder<IN> setParquetOptions(ParquetWriterOptions parquetOptions) {
        this.parquetOptions = parquetOptions;
        return this;
    }

    /**
     * The multipart part size to ask the server for; default 8 MiB. The server may choose another
     * (its answer is what parts are cut at). A writer also hands over the file it is writing each
     * time this many more bytes are in it, so that whole parts upload before the checkpoint
     * barrier; at the barrier about one part plus the last row group remain to be sent.
     */
    public HotdataSinkBuilder<IN> setUploadPartSize(long uploadPartSize) {
        this.uploadPartSize = uploadPartSize;
        return this;
    }

    /**
     * The connection as one setting: endpoint, API key, workspace, plain-http permission and
     * timeouts; what it leaves unset is read from the environment where the sink runs (see {@link
     * HotdataClientConfig#resolve}). The individual connection setters of this builder, when also
     * called, override its values; the retry settings and upload part size of this builder apply on
     * top of it.
     */
    public HotdataSinkBuilder<IN> setClientConfig(HotdataClientConfig clientConfig) {
        this.clientConfig = clientConfig;
        return this;
    }

    /** Retries of a transient failure per call; default 5. */
    public HotdataSinkBuilder<IN> setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
        return this;
    }

    /** The first retry's back-off; it grows exponentially, with jitter. Default 1 s. */
    public HotdataSinkBuilder<IN> setRetryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
        return this;
    }

    /**
     * A stable id for this sink, recorded in the commit log. Default: a random id chosen when the
     * job is first built and then kept in the sink's state across restores.
     */
    public HotdataSinkBuilder<IN> setSinkId(String sinkId) {
        this.sinkId = sinkId;
        return this;
    }

    /** Whether each checkpoint's commit is recorded in {@code _flink_commits} (default on). */
    public HotdataSinkBuilder<IN> setCommitLogEnabled(boolean enabled) {
        this.commitLogEnabled = enabled;
        return this;
    }

    /**
     * Whether an unbounded streaming job without periodic checkpointing is refused when it is built
     * (default on): such a job publishes nothing until it is stopped with a savepoint. Turn it off
     * only for jobs that are meant to commit on savepoints alone.
     */
    public HotdataSinkBuilder<IN> setCheckpointingRequired(boolean required) {
        this.checkpointingRequired = required;
        return this;
    }

    /** Validates the settings and builds the sink; errors name the setting and the value. */
    @SuppressWarnings("unchecked")
    public HotdataSink<IN> build() {
        // what is not given is read where the sink runs (HotdataClientConfig#resolve)
        HotdataClientConfig.Builder client =
                clientConfig != null ? clientConfig.toBuilder() : HotdataClientConfig.builder();
        if (endpoint != null) {
            client.endpoint(endpoint);
        }
        if (apiKey != null) {
            client.apiKey(apiKey);
        }
        if (workspaceId != null) {
            client.workspaceId(workspaceId);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException(
                    "max retries must be >= 0, but was " + maxRetries + ".");
        }
        if (retryBackoff == null || retryBackoff.isNegative() || retryBackoff.isZero()) {
            throw new IllegalArgumentException(
                    "retry backoff must be positive, but was " + retryBackoff + ".");
        }
        client.retryPolicy(
                RetryPolicy.builder().maxRetries(maxRetries).initialBackoff(retryBackoff).build());
        if (allowPlainHttp || clientConfig == null) {
            client.allowPlainHttp(allowPlainHttp);
        }
        if (uploadPartSize != null) {
            if (uploadPartSize <= 0) {
                throw new IllegalArgumentException(
                        "upload part size must be positive, but was " + uploadPartSize + ".");
            }
            client.uploadPartSize(uploadPartSize);
        }
        HotdataClientConfig clientConfig = client.build();

        String dbName = null;
        if (databaseId == null || databaseId.trim().isEmpty()) {
            dbName = databaseName;
            if (dbName == null) {
                dbName = environment.getOrDefault("HOTDATA_DATABASE", DEFAULT_DATABASE);
            }
            if (dbName.trim().isEmpty()) {
                throw new IllegalArgumentException("The Hotdata database name must not be empty.");
            }
        }
        String dbId = databaseId == null || databaseId.trim().isEmpty() ? null : databaseId.trim();

        String schemaName = HotdataIdentifiers.normalize(schema, "schema");
        String tableName = HotdataIdentifiers.normalize(table, "table");
        if (tableName.equals(HotdataSinkConfig.COMMIT_LOG_TABLE)) {
            throw new IllegalArgumentException(
                    "The table name '"
                            + table
                            + "' is reserved for the sink's commit log; choose another.");
        }
        if (HotdataTableRegistry.isRegistry(tableName)) {
            throw new IllegalArgumentException(
                    "The table name '"
                            + table
                            + "' is reserved for the table keys Flink records; choose another.");
        }

        List<String> declared = new ArrayList<>();
        for (String name : declaredTables) {
            String normalized = HotdataIdentifiers.normalize(name, "declared table");
            if (!normalized.equals(tableName) && !declared.contains(normalized)) {
                declared.add(normalized);
            }
        }

        if (rowType == null) {
            throw new IllegalArgumentException(
                    "The sink needs the row type of the data (setRowType or setRowConverter).");
        }
        HotdataTypeSupport.validate(rowType);

        for (String column : keyColumns) {
            int index = rowType.getFieldNames().indexOf(column);
            if (index < 0) {
                throw new IllegalArgumentException(
                        "Key column '"
                                + column
                                + "' is not a column of the row type "
                                + rowType.getFieldNames()
                                + ".");
            }
        }
        HotdataWriteMode mode = writeMode;
        if (mode == null) {
            mode = keyColumns.isEmpty() ? HotdataWriteMode.APPEND : HotdataWriteMode.UPSERT;
        }
        if (mode.requiresKey() && keyColumns.isEmpty()) {
            throw new IllegalArgumentException(
                    "Write mode '"
                            + mode
                            + "' needs key columns (a PRIMARY KEY); none were given.");
        }
        if ((mode == HotdataWriteMode.REPLACE || mode == HotdataWriteMode.INSERT_ONLY)
                && !commitLogEnabled) {
            throw new IllegalArgumentException(
                    "Write mode '"
                            + mode
                            + "' stages rows in a table of its own and needs the commit log to"
                            + " know what was published; it cannot run with the commit log"
                            + " disabled.");
        }
        for (HotdataTableLayout.PartitionKey partition : layout.partitionBy()) {
            requireColumn(partition.column(), "Partition");
        }
        for (HotdataTableLayout.SortKey sort : layout.sortedBy()) {
            requireColumn(sort.column(), "Sort");
        }
        if (rollingMaxBytes <= 0) {
            throw new IllegalArgumentException(
                    "rolling max bytes must be positive, but was " + rollingMaxBytes + ".");
        }
        if (smallFilesMaxBytes < 0) {
            throw new IllegalArgumentException(
                    "small files max bytes must be 0 (no merging) or positive, but was "
                            + smallFilesMaxBytes
                            + ".");
        }
        if (bufferFlushMaxBytes <= 0) {
            throw new IllegalArgumentException(
                    "buffer flush max bytes must be positive, but was "
                            + bufferFlushMaxBytes
                            + ".");
        }

        HotdataSinkConfig config =
                new HotdataSinkConfig(
                        clientConfig,
                        dbName == null ? null : dbName.trim(),
                        dbId,
                        createDatabaseIfMissing,
                        schemaName,
                        tableName,
                        mode,
                        keyColumns,
                        layout,
                        declared,
                        rowType,
                        rollingMaxBytes,
                        bufferFlushMaxBytes,
                        smallFilesMaxBytes,
                        parquetOptions == null
                                ? ParquetWriterOptions.builder().build()
                                : parquetOptions,
                        sinkId == null ? UUID.randomUUID().toString() : sinkId,
                        commitLogEnabled,
                        checkpointingRequired);
        HotdataRowConverter<IN> rowConverter =
                converter != null
                        ? converter
                        : (HotdataRowConverter<IN>) HotdataRowConverter.identity();
        return new HotdataSink<>(config, rowConverter);
    }

    private void requireColumn(String column, String what) {
        LogicalType type = null;
        int index = rowType.getFieldNames().indexOf(column);
        if (index >= 0) {
            type = rowType.getTypeAt(index);
        }
        if (type == null) {
            throw new IllegalArgumentException(
                    what
                            + " column '"
                            + column
                            + "' is not a column of the row type "
                            + rowType.getFieldNames()
                            + ".");
        }
    }
}
