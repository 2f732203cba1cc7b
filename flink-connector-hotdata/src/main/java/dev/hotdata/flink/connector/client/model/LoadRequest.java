package dev.hotdata.flink.connector.client.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Body of a managed-table load ({@code LoadManagedTableRequest}, reference §6.2). Exactly one
 * source: {@code uploadId}, {@code resultId} or inline CSV {@code data}.
 *
 * <p>Official clients send {@code async(true)} with {@code asyncAfterMs(10000)} for upload loads so
 * that a cut connection does not leave an "abandoned" load holding the write lock (§6.4).
 */
public final class LoadRequest {

    private LoadMode mode;
    private String uploadId;
    private String resultId;
    private String data;
    private Map<String, String> columns;
    private String format;
    private List<String> key;
    private Boolean async;
    private Integer asyncAfterMs;
    private String idempotencyKey;

    private LoadRequest() {}

    private LoadRequest(Builder b) {
        this.mode = b.mode;
        this.uploadId = b.uploadId;
        this.resultId = b.resultId;
        this.data = b.data;
        this.columns = Lists.copyOrNull(b.columns);
        this.format = b.format;
        this.key = Lists.copyOrNull(b.key);
        this.async = b.async;
        this.asyncAfterMs = b.asyncAfterMs;
        this.idempotencyKey = b.idempotencyKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    public LoadMode mode() {
        return mode;
    }

    public String uploadId() {
        return uploadId;
    }

    public String resultId() {
        return resultId;
    }

    /** Inline CSV with header row, or {@code null}. */
    public String data() {
        return data;
    }

    /** Column name → SQL type for inline data, or {@code null}. */
    public Map<String, String> columns() {
        return columns;
    }

    public String format() {
        return format;
    }

    public List<String> key() {
        return key;
    }

    public Boolean async() {
        return async;
    }

    public Integer asyncAfterMs() {
        return asyncAfterMs;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    @Override
    public String toString() {
        return "LoadRequest{mode="
                + mode
                + (uploadId != null ? ", uploadId=" + uploadId : "")
                + (resultId != null ? ", resultId=" + resultId : "")
                + (data != null ? ", data=<" + data.length() + " chars>" : "")
                + (columns != null ? ", columns=" + columns : "")
                + (format != null ? ", format=" + format : "")
                + (key != null ? ", key=" + key : "")
                + (async != null ? ", async=" + async : "")
                + (asyncAfterMs != null ? ", asyncAfterMs=" + asyncAfterMs : "")
                + (idempotencyKey != null ? ", idempotencyKey=" + idempotencyKey : "")
                + '}';
    }

    /** Builder of {@link LoadRequest}. */
    public static final class Builder {
        private LoadMode mode;
        private String uploadId;
        private String resultId;
        private String data;
        private Map<String, String> columns;
        private String format;
        private List<String> key;
        private Boolean async;
        private Integer asyncAfterMs;
        private String idempotencyKey;

        private Builder() {}

        public Builder mode(LoadMode mode) {
            this.mode = mode;
            return this;
        }

        /** A finalized upload; the server claims it once. */
        public Builder uploadId(String uploadId) {
            this.uploadId = uploadId;
            return this;
        }

        /** A ready query result of the same database (runs synchronously). */
        public Builder resultId(String resultId) {
            this.resultId = resultId;
            return this;
        }

        /** Inline CSV with header row, at most 2 MiB. */
        public Builder data(String data) {
            this.data = data;
            return this;
        }

        /** Column types of inline data, e.g. {@code id -> BIGINT}. */
        public Builder columns(Map<String, String> columns) {
            this.columns = columns;
            return this;
        }

        /** {@code csv}, {@code json} or {@code parquet}; default autodetect. */
        public Builder format(String format) {
            this.format = format;
            return this;
        }

        /** Key columns for upsert/update/delete (default: the table's declared key). */
        public Builder key(List<String> key) {
            this.key = key;
            return this;
        }

        public Builder key(String... key) {
            return key(Arrays.asList(key));
        }

        public Builder async(Boolean async) {
            this.async = async;
            return this;
        }

        /** With {@code async}: wait this long (1000..server max) for completion before 202. */
        public Builder asyncAfterMs(Integer asyncAfterMs) {
            this.asyncAfterMs = asyncAfterMs;
            return this;
        }

        /** Only with inline data: the load runs at most once per key. */
        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws IllegalArgumentException without a mode, or unless exactly one source is set, or
         *     when {@code columns}/{@code idempotencyKey} are used without inline data
         */
        public LoadRequest build() {
            Objects.requireNonNull(mode, "load mode");
            int sources =
                    (uploadId != null ? 1 : 0)
                            + (resultId != null ? 1 : 0)
                            + (data != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException(
                        "a load needs exactly one source (uploadId, resultId or data), got "
                                + sources);
            }
            if (columns != null && data == null) {
                throw new IllegalArgumentException("columns are only allowed with inline data");
            }
            if (idempotencyKey != null && data == null) {
                throw new IllegalArgumentException(
                        "idempotencyKey is only allowed with inline data");
            }
            if (asyncAfterMs != null && !Boolean.TRUE.equals(async)) {
                throw new IllegalArgumentException("asyncAfterMs requires async(true)");
            }
            return new LoadRequest(this);
        }
    }
}
