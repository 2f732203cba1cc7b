package dev.hotdata.flink.connector.client.model;

/**
 * A database in a listing (reference §4.2). Carries no {@code default_connection_id}: call {@code
 * getDatabase} for it.
 */
public final class DatabaseSummary {

    private String id;
    private String name;
    private String defaultCatalog;
    private String defaultSchema;
    private String createdAt;
    private String expiresAt;

    private DatabaseSummary() {}

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String defaultCatalog() {
        return defaultCatalog;
    }

    public String defaultSchema() {
        return defaultSchema;
    }

    public String createdAt() {
        return createdAt;
    }

    public String expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "DatabaseSummary{id="
                + id
                + ", name="
                + name
                + ", defaultCatalog="
                + defaultCatalog
                + ", defaultSchema="
                + defaultSchema
                + ", createdAt="
                + createdAt
                + ", expiresAt="
                + expiresAt
                + '}';
    }
}
