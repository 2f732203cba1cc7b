package dev.hotdata.flink.connector.client.model;

/** A query run ({@code GET /v1/query-runs/{id}}, reference §8.2). */
public final class QueryRunInfo {

    private String id;
    private String status;
    private String sqlText;
    private String sqlHash;
    private String snapshotId;
    private String createdAt;
    private String completedAt;
    private Long executionTimeMs;
    private String resultId;
    private Long rowCount;
    private String errorMessage;
    private String warningMessage;

    private QueryRunInfo() {}

    public String id() {
        return id;
    }

    /** {@code running}, {@code succeeded}, {@code failed}, {@code cancelled}… */
    public String status() {
        return status;
    }

    public String sqlText() {
        return sqlText;
    }

    public String sqlHash() {
        return sqlHash;
    }

    public String snapshotId() {
        return snapshotId;
    }

    public String createdAt() {
        return createdAt;
    }

    public String completedAt() {
        return completedAt;
    }

    public Long executionTimeMs() {
        return executionTimeMs;
    }

    public String resultId() {
        return resultId;
    }

    /** Authoritative total row count. */
    public Long rowCount() {
        return rowCount;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public String warningMessage() {
        return warningMessage;
    }

    @Override
    public String toString() {
        return "QueryRunInfo{id="
                + id
                + ", status="
                + status
                + ", resultId="
                + resultId
                + ", rowCount="
                + rowCount
                + ", errorMessage="
                + errorMessage
                + '}';
    }
}
