package dev.hotdata.flink.connector.client.model;

/** Answer of adding a table ({@code ManagedTableResponse}); names are echoed lower-cased. */
public final class ManagedTableInfo {

    private String connectionId;
    private String schema;
    private String table;

    private ManagedTableInfo() {}

    public String connectionId() {
        return connectionId;
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    @Override
    public String toString() {
        return "ManagedTableInfo{connectionId="
                + connectionId
                + ", schema="
                + schema
                + ", table="
                + table
                + '}';
    }
}
