package dev.hotdata.flink.connector.client.model;

import java.util.List;

/** A table in {@link InformationSchemaPage}. */
public final class TableInfo {

    private String connection;
    private String schema;
    private String table;
    private boolean synced;
    private String lastSync;
    private List<ColumnInfo> columns;
    private List<PartitionKey> partitionBy;
    private List<SortKey> sortedBy;
    private List<String> key;

    private TableInfo() {}

    /** The connection label ({@code default} or an internal label for managed databases). */
    public String connection() {
        return connection;
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    /** False for a declared-but-never-loaded table. */
    public boolean synced() {
        return synced;
    }

    public String lastSync() {
        return lastSync;
    }

    /** Columns, empty unless requested with {@code includeColumns}. */
    public List<ColumnInfo> columns() {
        return Lists.view(columns);
    }

    public List<PartitionKey> partitionBy() {
        return Lists.view(partitionBy);
    }

    public List<SortKey> sortedBy() {
        return Lists.view(sortedBy);
    }

    /**
     * The table's declared key, or {@code null} when the answer carries none (hotdata-local sends
     * it; the public API reference does not list it for this endpoint).
     */
    public List<String> key() {
        return key == null ? null : Lists.view(key);
    }

    @Override
    public String toString() {
        return "TableInfo{"
                + connection
                + "."
                + schema
                + "."
                + table
                + ", synced="
                + synced
                + ", columns="
                + columns
                + ", partitionBy="
                + partitionBy
                + ", sortedBy="
                + sortedBy
                + '}';
    }
}
