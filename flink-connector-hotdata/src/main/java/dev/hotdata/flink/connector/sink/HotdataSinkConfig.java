package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.logical.RowType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link HotdataSink} needs at runtime, validated by {@link HotdataSinkBuilder}.
 * Shipped to the task managers with the job; its {@code toString()} never shows the API key.
 */
@Internal
public final class HotdataSinkConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Name of the commit log table the committer appends to in the target database. */
    public static final String COMMIT_LOG_TABLE = "_flink_commits";

    private final HotdataClientConfig clientConfig;
    private final String databaseName;
    private final String databaseId;
    private final boolean createDatabaseIfMissing;
    private final String schema;
    private final String table;
    private final HotdataWriteMode writeMode;
    private final List<String> keyColumns;
    private final HotdataTableLayout layout;
    private final List<String> declaredTables;
    private final RowType rowType;
    private final long rollingMaxBytes;
    private final long bufferFlushMaxBytes;
    private final long smallFilesMaxBytes;
    private final ParquetWriterOptions parquetOptions;
    private final String sinkId;
    private final boolean commitLogEnabled;
    private final boolean checkpointingRequired;

    HotdataSinkConfig(
            HotdataClientConfig clientConfig,
            String databaseName,
            String databaseId,
            boolean createDatabaseIfMissing,
            String schema,
            String table,
            HotdataWriteMode writeMode,
            List<String> keyColumns,
            HotdataTableLayout layout,
            List<String> declaredTables,
            RowType rowType,
            long rollingMaxBytes,
            long bufferFlushMaxBytes,
            long smallFilesMaxBytes,
            ParquetWriterOptions parquetOptions,
            String sinkId,
            boolean commitLogEnabled,
            boolean checkpointingRequired) {
        this.clientConfig = Objects.requireNonNull(clientConfig);
        this.databaseName = databaseName;
        this.databaseId = databaseId;
        this.createDatabaseIfMissing = createDatabaseIfMissing;
        this.schema = Objects.requireNonNull(schema);
        this.table = Objects.requireNonNull(table);
        this.writeMode = Objects.requireNonNull(writeMode);
        this.keyColumns = Collections.unmodifiableList(new ArrayList<>(keyColumns));
        this.layout = Objects.requireNonNull(layout);
        this.declaredTables = Collections.unmodifiableList(new ArrayList<>(declaredTables));
        this.rowType = Objects.requireNonNull(rowType);
        this.rollingMaxBytes = rollingMaxBytes;
        this.bufferFlushMaxBytes = bufferFlushMaxBytes;
        this.smallFilesMaxBytes = smallFilesMaxBytes;
        this.parquetOptions = Objects.requireNonNull(parquetOptions);
        this.sinkId = Objects.requireNonNull(sinkId);
        this.commitLogEnabled = commitLogEnabled;
        this.checkpointingRequired = checkpointingRequired;
    }

    public HotdataClientConfig clientConfig() {
        return clientConfig;
    }

    /** The database's display name, or null when {@link #databaseId()} pins it. */
    public String databaseName() {
        return databaseName;
    }

    /** The database id, or null to resolve {@link #databaseName()}. */
    public String databaseId() {
        return databaseId;
    }

    public boolean createDatabaseIfMissing() {
        return createDatabaseIfMissing;
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    public HotdataWriteMode writeMode() {
        return writeMode;
    }

    /** The table's key columns; empty when the table has no key. */
    public List<String> keyColumns() {
        return keyColumns;
    }

    public HotdataTableLayout layout() {
        return layout;
    }

    /** Further tables declared (empty) when the sink creates the database. */
    public List<String> declaredTables() {
        return declaredTables;
    }

    public RowType rowType() {
        return rowType;
    }

    public long rollingMaxBytes() {
        return rollingMaxBytes;
    }

    /** In upsert mode, the heap a writer's per-key buffer may hold before it is written out. */
    public long bufferFlushMaxBytes() {
        return bufferFlushMaxBytes;
    }

    /**
     * Up to how many bytes of finished files a writer hands to the aggregator at a checkpoint,
     * instead of uploading them, so that the aggregator merges all writers' files into one upload;
     * 0 when every writer uploads its own files.
     */
    public long smallFilesMaxBytes() {
        return smallFilesMaxBytes;
    }

    public ParquetWriterOptions parquetOptions() {
        return parquetOptions;
    }

    /** The sink id of a fresh start; a restored writer keeps the id from its state instead. */
    public String sinkId() {
        return sinkId;
    }

    public boolean commitLogEnabled() {
        return commitLogEnabled;
    }

    /** Whether an unbounded streaming job without periodic checkpoints is refused. */
    public boolean checkpointingRequired() {
        return checkpointingRequired;
    }

    /** {@code database.schema.table} for messages; the database by name or id. */
    public String targetDescription() {
        String db = databaseId != null ? databaseId : databaseName;
        return db + "." + schema + "." + table;
    }

    @Override
    public String toString() {
        return "HotdataSinkConfig{client="
                + clientConfig
                + ", target="
                + targetDescription()
                + ", mode="
                + writeMode
                + ", key="
                + keyColumns
                + ", layout="
                + layout
                + ", rollingMaxBytes="
                + rollingMaxBytes
                + ", smallFilesMaxBytes="
                + smallFilesMaxBytes
                + ", sinkId="
                + sinkId
                + '}';
    }
}
