package dev.hotdata.flink.connector.client.model;

import java.util.List;

/** Body of {@code POST /v1/databases} (reference §4.1); every field is optional. */
public final class CreateDatabaseRequest {

    private String name;
    private String defaultCatalog;
    private String defaultSchema;
    private String expiresAt;
    private List<SchemaDeclaration> schemas;
    private Boolean ifNotExists;

    private CreateDatabaseRequest() {}

    private CreateDatabaseRequest(Builder b) {
        this.name = b.name;
        this.defaultCatalog = b.defaultCatalog;
        this.defaultSchema = b.defaultSchema;
        this.expiresAt = b.expiresAt;
        this.schemas = Lists.copyOrNull(b.schemas);
        this.ifNotExists = b.ifNotExists;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    /**
     * {@code if_not_exists}: get-or-create by {@link #name()} on a server that offers it (200 and
     * {@link DatabaseInfo#created()} {@code false} for an existing name); an older server ignores
     * it and creates. Null = not sent.
     */
    public Boolean ifNotExists() {
        return ifNotExists;
    }

    public String defaultCatalog() {
        return defaultCatalog;
    }

    public String defaultSchema() {
        return defaultSchema;
    }

    public String expiresAt() {
        return expiresAt;
    }

    public List<SchemaDeclaration> schemas() {
        return Lists.view(schemas);
    }

    @Override
    public String toString() {
        return "CreateDatabaseRequest{name="
                + name
                + ", defaultCatalog="
                + defaultCatalog
                + ", defaultSchema="
                + defaultSchema
                + ", expiresAt="
                + expiresAt
                + ", schemas="
                + schemas
                + '}';
    }

    /** Builder of {@link CreateDatabaseRequest}. */
    public static final class Builder {
        private String name;
        private String defaultCatalog;
        private String defaultSchema;
        private String expiresAt;
        private List<SchemaDeclaration> schemas;
        private Boolean ifNotExists;

        private Builder() {}

        /** Sends {@code if_not_exists}: see {@link CreateDatabaseRequest#ifNotExists()}. */
        public Builder ifNotExists(boolean ifNotExists) {
            this.ifNotExists = ifNotExists;
            return this;
        }

        /** Display label (not unique). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder defaultCatalog(String defaultCatalog) {
            this.defaultCatalog = defaultCatalog;
            return this;
        }

        public Builder defaultSchema(String defaultSchema) {
            this.defaultSchema = defaultSchema;
            return this;
        }

        /** RFC 3339 timestamp or relative {@code 24h}/{@code 90m}/{@code 7d}; null = never. */
        public Builder expiresAt(String expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        public Builder schemas(List<SchemaDeclaration> schemas) {
            this.schemas = schemas;
            return this;
        }

        public CreateDatabaseRequest build() {
            return new CreateDatabaseRequest(this);
        }
    }
}
