package dev.hotdata.flink.connector.client.model;

import java.util.List;

/** A page of {@code GET /v1/information_schema}. */
public final class InformationSchemaPage {

    private List<TableInfo> tables;
    private Integer count;
    private Integer limit;
    private boolean hasMore;
    private String nextCursor;

    private InformationSchemaPage() {}

    public List<TableInfo> tables() {
        return Lists.view(tables);
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

    public String nextCursor() {
        return nextCursor;
    }

    @Override
    public String toString() {
        return "InformationSchemaPage{tables="
                + tables
                + ", hasMore="
                + hasMore
                + ", nextCursor="
                + nextCursor
                + '}';
    }
}
