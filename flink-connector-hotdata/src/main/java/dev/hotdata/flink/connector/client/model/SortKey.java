package dev.hotdata.flink.connector.client.model;

import java.util.Objects;

/** One {@code sorted_by} entry of a table: column, optional direction and null ordering. */
public final class SortKey {

    private String column;
    private String direction;
    private String nulls;

    private SortKey() {}

    /**
     * A sort key.
     *
     * @param column the column
     * @param direction {@code asc}, {@code desc} or {@code null} (server default)
     * @param nulls {@code first}, {@code last} or {@code null} (server default)
     */
    public SortKey(String column, String direction, String nulls) {
        this.column = Objects.requireNonNull(column, "column");
        this.direction = direction;
        this.nulls = nulls;
    }

    public static SortKey of(String column) {
        return new SortKey(column, null, null);
    }

    public String column() {
        return column;
    }

    public String direction() {
        return direction;
    }

    public String nulls() {
        return nulls;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SortKey)) {
            return false;
        }
        SortKey that = (SortKey) o;
        return Objects.equals(column, that.column)
                && Objects.equals(direction, that.direction)
                && Objects.equals(nulls, that.nulls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(column, direction, nulls);
    }

    @Override
    public String toString() {
        return column
                + (direction == null ? "" : " " + direction)
                + (nulls == null ? "" : " nulls " + nulls);
    }
}
