package dev.hotdata.flink.connector.client.model;

import java.util.List;

/**
 * A database as returned by create ({@code CreateDatabaseResponse}) and get ({@code
 * DatabaseDetailResponse}), reference §4.1/§4.2. {@code attachments} and {@code createdAt} are only
 * set by get.
 */
public final class DatabaseInfo {

    private String id;
    private String name;
    private String defaultCatalog;
    private String defaultConnectionId;
    private String defaultSchema;
    private List<Attachment> attachments;
    private String createdAt;
    private String expiresAt;
    private Boolean created;

    private DatabaseInfo() {}

    /**
     * Create only: {@code true} when this call created the database, {@code false} when {@code
     * if_not_exists} found one already carrying the name; {@code null} when the server does not
     * send the field (a deployment that predates it: it cannot say, and ignored {@code
     * if_not_exists}).
     */
    public Boolean created() {
        return created;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String defaultCatalog() {
        return defaultCatalog;
    }

    /** The managed connection backing the default catalog (used by table deletes). */
    public String defaultConnectionId() {
        return defaultConnectionId;
    }

    public String defaultSchema() {
        return defaultSchema;
    }

    public List<Attachment> attachments() {
        return Lists.view(attachments);
    }

    public String createdAt() {
        return createdAt;
    }

    public String expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "DatabaseInfo{id="
                + id
                + ", name="
                + name
                + ", defaultCatalog="
                + defaultCatalog
                + ", defaultConnectionId="
                + defaultConnectionId
                + ", defaultSchema="
                + defaultSchema
                + ", attachments="
                + attachments
                + ", createdAt="
                + createdAt
                + ", expiresAt="
                + expiresAt
                + '}';
    }

    /** An attached catalog. */
    public static final class Attachment {
        private String connectionId;
        private String alias;

        private Attachment() {}

        public String connectionId() {
            return connectionId;
        }

        public String alias() {
            return alias;
        }

        @Override
        public String toString() {
            return "Attachment{connectionId=" + connectionId + ", alias=" + alias + '}';
        }
    }
}
