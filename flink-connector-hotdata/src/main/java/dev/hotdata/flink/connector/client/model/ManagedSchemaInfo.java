package dev.hotdata.flink.connector.client.model;

import java.util.List;

/** Answer of adding a schema ({@code ManagedSchemaResponse}); names are echoed lower-cased. */
public final class ManagedSchemaInfo {

    private String connectionId;
    private String schema;
    private List<String> tables;

    private ManagedSchemaInfo() {}

    public String connectionId() {
        return connectionId;
    }

    public String schema() {
        return schema;
    }

    public List<String> tables() {
        return Lists.view(tables);
    }

    @Override
    public String toString() {
        return "ManagedSchemaInfo{connectionId="
                + connectionId
                + ", schema="
                + schema
                + ", tables="
                + tables
                + '}';
    }
}
