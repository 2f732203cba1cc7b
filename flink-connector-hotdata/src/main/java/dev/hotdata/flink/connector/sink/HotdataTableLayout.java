package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The physical layout Hotdata gives a table when the sink declares it: partition keys and sort
 * keys. Hotdata fixes a table's layout at creation; it cannot be changed later.
 */
@PublicEvolving
public final class HotdataTableLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final List<String> TRANSFORMS =
            List.of("identity", "year", "month", "day", "hour");

    /** One partition key: a column and a transform (identity, year, month, day, hour). */
    public static final class PartitionKey implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String column;
        private final String transform;

        PartitionKey(String column, String transform) {
            this.column = column;
            this.transform = transform;
        }

        public String column() {
            return column;
        }

        public String transform() {
            return transform;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PartitionKey
                    && column.equals(((PartitionKey) o).column)
                    && transform.equals(((PartitionKey) o).transform);
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

    /** One sort key: a column, a direction (asc, desc) and where nulls go (first, last). */
    public static final class SortKey implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String column;
        private final String direction;
        private final String nulls;

        SortKey(String column, String direction, String nulls) {
            this.column = column;
            this.direction = direction;
            this.nulls = nulls;
        }

        public String column() {
            return column;
        }

        /** {@code asc} or {@code desc}. */
        public String direction() {
            return direction;
        }

        /** {@code first}, {@code last}, or null for the server's default. */
        public String nulls() {
            return nulls;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SortKey
                    && column.equals(((SortKey) o).column)
                    && direction.equals(((SortKey) o).direction)
                    && Objects.equals(nulls, ((SortKey) o).nulls);
        }

        @Override
        public int hashCode() {
            return Objects.hash(column, direction, nulls);
        }

        @Override
        public String toString() {
            return column + " " + direction + (nulls == null ? "" : " nulls " + nulls);
        }
    }

    private static final HotdataTableLayout NONE =
            new HotdataTableLayout(Collections.emptyList(), Collections.emptyList());

    private final List<PartitionKey> partitionBy;
    private final List<SortKey> sortedBy;

    private HotdataTableLayout(List<PartitionKey> partitionBy, List<SortKey> sortedBy) {
        this.partitionBy = Collections.unmodifiableList(new ArrayList<>(partitionBy));
        this.sortedBy = Collections.unmodifiableList(new ArrayList<>(sortedBy));
    }

    /** No partitioning, no sort keys. */
    public static HotdataTableLayout none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<PartitionKey> partitionBy() {
        return partitionBy;
    }

    public List<SortKey> sortedBy() {
        return sortedBy;
    }

    public boolean isEmpty() {
        return partitionBy.isEmpty() && sortedBy.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HotdataTableLayout
                && partitionBy.equals(((HotdataTableLayout) o).partitionBy)
                && sortedBy.equals(((HotdataTableLayout) o).sortedBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partitionBy, sortedBy);
    }

    @Override
    public String toString() {
        return "partition_by=" + partitionBy + ", sorted_by=" + sortedBy;
    }

    /** Builds a {@link HotdataTableLayout}, validating transforms and directions. */
    public static final class Builder {
        private final List<PartitionKey> partitionBy = new ArrayList<>();
        private final List<SortKey> sortedBy = new ArrayList<>();

        private Builder() {}

        /** Partitions by the column's value. */
        public Builder partitionBy(String column) {
            return partitionBy(column, "identity");
        }

        /** Partitions by a transform of the column: identity, year, month, day or hour. */
        public Builder partitionBy(String column, String transform) {
            String t = normalize(transform);
            if (!TRANSFORMS.contains(t)) {
                throw new IllegalArgumentException(
                        "Unknown partition transform '"
                                + transform
                                + "' for column '"
                                + column
                                + "'. Valid transforms: "
                                + String.join(", ", TRANSFORMS)
                                + ".");
            }
            partitionBy.add(new PartitionKey(requireColumn(column), t));
            return this;
        }

        /** Sorts ascending by the column. */
        public Builder sortedBy(String column) {
            return sortedBy(column, "asc", null);
        }

        /**
         * Sorts by the column; {@code direction} asc or desc, {@code nulls} first, last or null.
         */
        public Builder sortedBy(String column, String direction, String nulls) {
            String d = normalize(direction);
            if (!d.equals("asc") && !d.equals("desc")) {
                throw new IllegalArgumentException(
                        "Unknown sort direction '"
                                + direction
                                + "' for column '"
                                + column
                                + "'. Valid: asc, desc.");
            }
            String n = nulls == null ? null : normalize(nulls);
            if (n != null && !n.equals("first") && !n.equals("last")) {
                throw new IllegalArgumentException(
                        "Unknown nulls order '"
                                + nulls
                                + "' for column '"
                                + column
                                + "'. Valid: first, last.");
            }
            sortedBy.add(new SortKey(requireColumn(column), d, n));
            return this;
        }

        public HotdataTableLayout build() {
            return partitionBy.isEmpty() && sortedBy.isEmpty()
                    ? NONE
                    : new HotdataTableLayout(partitionBy, sortedBy);
        }

        private static String normalize(String value) {
            return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        }

        private static String requireColumn(String column) {
            if (column == null || column.trim().isEmpty()) {
                throw new IllegalArgumentException("A layout key needs a column name.");
            }
            return column.trim();
        }
    }
}
