package dev.hotdata.flink.connector.client.model;

import java.util.List;

/** One page of {@code GET /v1/databases} (newest first). */
public final class DatabasePage {

    private List<DatabaseSummary> databases;
    private Integer count;
    private Integer limit;
    private boolean hasMore;
    private String nextCursor;

    private DatabasePage() {}

    public List<DatabaseSummary> databases() {
        return Lists.view(databases);
    }

    public Integer count() {
        return count;
    }

    public Integer limit() {
        return limit;
    }

    public boolean hasMore() {
        return hasMore;
    }

    /** Cursor of the next page, or {@code null}. */
    public String nextCursor() {
        return nextCursor;
    }

    @Override
    public String toString() {
        return "DatabasePage{databases="
                + databases
                + ", hasMore="
                + hasMore
                + ", nextCursor="
                + nextCursor
                + '}';
    }
}
