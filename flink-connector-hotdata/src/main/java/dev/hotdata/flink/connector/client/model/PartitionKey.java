package dev.hotdata.flink.connector.client.model;

import java.util.Objects;

/** One {@code partition_by} entry of a table: a column and a transform. */
public final class PartitionKey {

    /** Transform names accepted by the server. */
    public static final String IDENTITY = "identity";

    public static final String YEAR = "year";
    public static final String MONTH = "month";
    public static final String DAY = "day";
    public static final String HOUR = "hour";

    private String column;
    private String transform;

    private PartitionKey() {}

    /**
     * A partition key.
     *
     * @param column the column
     * @param transform {@code identity}, {@code year}, {@code month}, {@code day} or {@code hour}
     */
    public PartitionKey(String column, String transform) {
        this.column = Objects.requireNonNull(column, "column");
        this.transform = Objects.requireNonNull(transform, "transform");
    }

    public static PartitionKey of(String column, String transform) {
        return new PartitionKey(column, transform);
    }

    public String column() {
        return column;
    }

    public String transform() {
        return transform;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PartitionKey)) {
            return false;
        }
        PartitionKey that = (PartitionKey) o;
        return Objects.equals(column, that.column) && Objects.equals(transform, that.transform);
    }

    @Override
    public int hashCode() {
        return Objects.hash(column, transform);
    }

    @Override
    public String toString() {
        return transform + "(" + column + ")";
    }
}
