package dev.hotdata.flink.connector.client.model;

import java.util.List;

/**
 * Answer of {@code POST /v1/query}: either a synchronous {@code QueryResponse} (rows inline) or,
 * for a 202, an {@code AsyncQueryResponse} ({@link #isAsync()}: only {@code queryRunId}, {@code
 * status}, {@code statusUrl}, {@code reason} are set).
 *
 * <p>Row values are JSON-mapped: {@code Long}/{@code BigInteger} for integers, {@code BigDecimal}
 * for other numbers (no precision lost), {@code String}, {@code Boolean}, {@code null}, lists and
 * maps for nested values.
 */
public final class QueryResponse {

    private String queryRunId;
    private String resultId;
    private List<String> columns;
    private List<Boolean> nullable;
    private List<List<Object>> rows;
    private Long previewRowCount;
    private Long rowCount;
    private Long totalRowCount;
    private boolean truncated;
    private Long executionTimeMs;
    private String warning;
    // async (202) fields
    private String status;
    private String statusUrl;
    private String reason;

    private QueryResponse() {}

    public String queryRunId() {
        return queryRunId;
    }

    /** Persisted result id (may be null when it could not be persisted, see {@link #warning()}). */
    public String resultId() {
        return resultId;
    }

    public List<String> columns() {
        return Lists.view(columns);
    }

    public List<Boolean> nullable() {
        return Lists.view(nullable);
    }

    public List<List<Object>> rows() {
        return Lists.view(rows);
    }

    /** Rows in this body (falls back to the deprecated {@code row_count}). */
    public Long previewRowCount() {
        return previewRowCount != null ? previewRowCount : rowCount;
    }

    /** Grand total, null while a truncated result is still persisting. */
    public Long totalRowCount() {
        return totalRowCount;
    }

    /** Whether {@link #rows()} is only a preview; fetch the rest through the result id. */
    public boolean truncated() {
        return truncated;
    }

    public Long executionTimeMs() {
        return executionTimeMs;
    }

    public String warning() {
        return warning;
    }

    /** Async only: the run's status, e.g. {@code running}. */
    public String status() {
        return status;
    }

    /** Async only: where to poll the run ({@code /v1/query-runs/{id}}). */
    public String statusUrl() {
        return statusUrl;
    }

    /** Async only: why the server went asynchronous on its own, if it did. */
    public String reason() {
        return reason;
    }

    /** Whether this is a 202 answer without rows. */
    public boolean isAsync() {
        return columns == null && rows == null && status != null;
    }

    @Override
    public String toString() {
        return "QueryResponse{queryRunId="
                + queryRunId
                + ", resultId="
                + resultId
                + (isAsync()
                        ? ", status=" + status
                        : ", columns="
                                + columns
                                + ", rows="
                                + (rows == null ? 0 : rows.size())
                                + ", totalRowCount="
                                + totalRowCount
                                + ", truncated="
                                + truncated)
                + '}';
    }
}
