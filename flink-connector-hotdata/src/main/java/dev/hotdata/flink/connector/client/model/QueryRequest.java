package dev.hotdata.flink.connector.client.model;

import java.util.Objects;

/**
 * Body of {@code POST /v1/query} (reference §8.1). The database goes into the {@code X-Database-Id}
 * header, not the body.
 */
public final class QueryRequest {

    private String sql;
    private String defaultCatalog;
    private String defaultSchema;
    private String dialect;
    private Boolean async;
    private Integer asyncAfterMs;

    private QueryRequest() {}

    private QueryRequest(Builder b) {
        this.sql = b.sql;
        this.defaultCatalog = b.defaultCatalog;
        this.defaultSchema = b.defaultSchema;
        this.dialect = b.dialect;
        this.async = b.async;
        this.asyncAfterMs = b.asyncAfterMs;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static QueryRequest of(String sql) {
        return builder().sql(sql).build();
    }

    public String sql() {
        return sql;
    }

    public String defaultCatalog() {
        return defaultCatalog;
    }

    public String defaultSchema() {
        return defaultSchema;
    }

    public String dialect() {
        return dialect;
    }

    public Boolean async() {
        return async;
    }

    public Integer asyncAfterMs() {
        return asyncAfterMs;
    }

    @Override
    public String toString() {
        return "QueryRequest{sql="
                + sql
                + ", defaultCatalog="
                + defaultCatalog
                + ", defaultSchema="
                + defaultSchema
                + ", async="
                + async
                + '}';
    }

    /** Builder of {@link QueryRequest}. */
    public static final class Builder {
        private String sql;
        private String defaultCatalog;
        private String defaultSchema;
        private String dialect;
        private Boolean async;
        private Integer asyncAfterMs;

        private Builder() {}

        /** Read-only SQL. */
        public Builder sql(String sql) {
            this.sql = sql;
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

        /** {@code hotsql} (default), {@code duckdb}, {@code postgres}, {@code snowflake}. */
        public Builder dialect(String dialect) {
            this.dialect = dialect;
            return this;
        }

        public Builder async(Boolean async) {
            this.async = async;
            return this;
        }

        public Builder asyncAfterMs(Integer asyncAfterMs) {
            this.asyncAfterMs = asyncAfterMs;
            return this;
        }

        public QueryRequest build() {
            Objects.requireNonNull(sql, "sql");
            if (sql.trim().isEmpty()) {
                throw new IllegalArgumentException("sql must not be empty");
            }
            return new QueryRequest(this);
        }
    }
}
