package dev.hotdata.flink.connector.client.model;

/** Result of a load ({@code LoadManagedTableResponse}, reference §6.3). */
public final class LoadResult {

    private String connectionId;
    private String schemaName;
    private String tableName;
    private long rowCount;
    private String arrowSchemaJson;

    private LoadResult() {}

    public String connectionId() {
        return connectionId;
    }

    public String schemaName() {
        return schemaName;
    }

    public String tableName() {
        return tableName;
    }

    /** Rows in the table after the load. */
    public long rowCount() {
        return rowCount;
    }

    /** The table's schema as an opaque JSON string. */
    public String arrowSchemaJson() {
        return arrowSchemaJson;
    }

    @Override
    public String toString() {
        return "LoadResult{connectionId="
                + connectionId
                + ", schemaName="
                + schemaName
                + ", tableName="
                + tableName
                + ", rowCount="
                + rowCount
                + '}';
    }
}
