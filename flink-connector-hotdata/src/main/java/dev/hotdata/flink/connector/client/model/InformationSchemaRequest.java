package dev.hotdata.flink.connector.client.model;

/**
 * Query of {@code GET /v1/information_schema} (reference §10). For a managed database pass its
 * {@code default_connection_id} as {@code connectionId}: its tables are absent from the unscoped
 * listing.
 */
public final class InformationSchemaRequest {

    private final String connectionId;
    private final String schema;
    private final String table;
    private final Boolean includeColumns;
    private final Integer limit;
    private final String cursor;

    private InformationSchemaRequest(Builder b) {
        this.connectionId = b.connectionId;
        this.schema = b.schema;
        this.table = b.table;
        this.includeColumns = b.includeColumns;
        this.limit = b.limit;
        this.cursor = b.cursor;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String connectionId() {
        return connectionId;
    }

    /** Schema filter (SQL {@code %} wildcards). */
    public String schema() {
        return schema;
    }

    /** Table filter (SQL {@code %} wildcards). */
    public String table() {
        return table;
    }

    public Boolean includeColumns() {
        return includeColumns;
    }

    public Integer limit() {
        return limit;
    }

    public String cursor() {
        return cursor;
    }

    /** A copy asking for the page after {@code nextCursor}. */
    public InformationSchemaRequest withCursor(String nextCursor) {
        return builder()
                .connectionId(connectionId)
                .schema(schema)
                .table(table)
                .includeColumns(includeColumns)
                .limit(limit)
                .cursor(nextCursor)
                .build();
    }

    @Override
    public String toString() {
        return "InformationSchemaRequest{connectionId="
                + connectionId
                + ", schema="
                + schema
                + ", table="
                + table
                + ", includeColumns="
                + includeColumns
                + ", limit="
                + limit
                + ", cursor="
                + cursor
                + '}';
    }

    /** Builder of {@link InformationSchemaRequest}. */
    public static final class Builder {
        private String connectionId;
        private String schema;
        private String table;
        private Boolean includeColumns;
        private Integer limit;
        private String cursor;

        private Builder() {}

        public Builder connectionId(String connectionId) {
            this.connectionId = connectionId;
            return this;
        }

        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        public Builder table(String table) {
            this.table = table;
            return this;
        }

        public Builder includeColumns(Boolean includeColumns) {
            this.includeColumns = includeColumns;
            return this;
        }

        public Builder limit(Integer limit) {
            this.limit = limit;
            return this;
        }

        public Builder cursor(String cursor) {
            this.cursor = cursor;
            return this;
        }

        public InformationSchemaRequest build() {
            return new InformationSchemaRequest(this);
        }
    }
}
