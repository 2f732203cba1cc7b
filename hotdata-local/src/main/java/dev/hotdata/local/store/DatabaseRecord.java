package dev.hotdata.local.store;

import java.util.LinkedHashMap;
import java.util.Map;

/** A database: a default catalog (managed connection) holding schemas and tables. */
public final class DatabaseRecord {
    public String id;
    public String workspaceId;
    public String name;
    public String defaultCatalog;
    public String defaultSchema;
    public String connectionId;
    public String createdAt;
    public String expiresAt;
    public long seq;
    public Map<String, SchemaRecord> schemas = new LinkedHashMap<>();
}
