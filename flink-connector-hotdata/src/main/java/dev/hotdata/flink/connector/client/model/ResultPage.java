package dev.hotdata.flink.connector.client.model;

import java.util.List;

/**
 * A page of a persisted result ({@code GET /v1/results/{id}}, reference §8.3). While the result is
 * not ready ({@link #isReady()} false) only {@code resultId}, {@code status} and {@code
 * retryAfterSeconds} are set. Row values are mapped as in {@link QueryResponse}.
 */
public final class ResultPage {

    public static final String PENDING = "pending";
    public static final String PROCESSING = "processing";
    public static final String READY = "ready";
    public static final String FAILED = "failed";

    private String resultId;
    private String status;
    private List<String> columns;
    private List<Boolean> nullable;
    private List<List<Object>> rows;
    private Long rowCount;
    private String errorMessage;
    // from headers
    private Long totalRowCount;
    private Long retryAfterSeconds;

    private ResultPage() {}

    /**
     * A copy carrying the values the server sends as headers ({@code X-Total-Row-Count}, {@code
     * Retry-After}); used by the client.
     */
    public ResultPage withHeaderValues(Long totalRowCount, Long retryAfterSeconds) {
        ResultPage p = new ResultPage();
        p.resultId = resultId;
        p.status = status;
        p.columns = columns;
        p.nullable = nullable;
        p.rows = rows;
        p.rowCount = rowCount;
        p.errorMessage = errorMessage;
        p.totalRowCount = totalRowCount;
        p.retryAfterSeconds = retryAfterSeconds;
        return p;
    }

    public String resultId() {
        return resultId;
    }

    /** {@code pending}, {@code processing} or {@code ready}. */
    public String status() {
        return status;
    }

    public boolean isReady() {
        return READY.equals(status);
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

    /** Rows in this page. */
    public Long rowCount() {
        return rowCount;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** The result's full row count ({@code X-Total-Row-Count}), if sent. */
    public Long totalRowCount() {
        return totalRowCount;
    }

    /** The server's {@code Retry-After} while not ready, if sent. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public String toString() {
        return "ResultPage{resultId="
                + resultId
                + ", status="
                + status
                + ", columns="
                + columns
                + ", rows="
                + (rows == null ? 0 : rows.size())
                + ", totalRowCount="
                + totalRowCount
                + ", retryAfterSeconds="
                + retryAfterSeconds
                + '}';
    }
}
