package dev.hotdata.local.store;

/** One execution of {@code POST /v1/query}. */
public final class QueryRunRecord {
    public String id;
    public String workspaceId;
    public String databaseId;

    /** {@code running}, {@code succeeded} or {@code failed}. */
    public String status;

    public String sqlText;
    public String sqlHash;
    public String createdAt;
    public String completedAt;
    public Long executionTimeMs;
    public String resultId;
    public Long rowCount;
    public String errorMessage;
}
