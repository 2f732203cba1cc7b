package dev.hotdata.flink.connector.client.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A managed table to declare ({@code AddManagedTableRequest}, reference §4.1): name, optional row
 * key and layout. Columns are not declared; they come from the first load.
 */
public final class TableDeclaration {

    private String name;
    private List<String> key;
    private List<PartitionKey> partitionBy;
    private List<SortKey> sortedBy;

    private TableDeclaration() {}

    private TableDeclaration(Builder b) {
        this.name = b.name;
        this.key = Lists.copyOrNull(b.key);
        this.partitionBy = Lists.copyOrNull(b.partitionBy);
        this.sortedBy = Lists.copyOrNull(b.sortedBy);
    }

    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A declaration with only a name (no key, no layout). */
    public static TableDeclaration of(String name) {
        return builder(name).build();
    }

    public String name() {
        return name;
    }

    /** Row-identity columns, or {@code null} when the table has no key. */
    public List<String> key() {
        return key;
    }

    public List<PartitionKey> partitionBy() {
        return Lists.view(partitionBy);
    }

    public List<SortKey> sortedBy() {
        return Lists.view(sortedBy);
    }

    @Override
    public String toString() {
        return "TableDeclaration{name="
                + name
                + ", key="
                + key
                + ", partitionBy="
                + partitionBy
                + ", sortedBy="
                + sortedBy
                + '}';
    }

    /** Builder of {@link TableDeclaration}. */
    public static final class Builder {
        private String name;
        private List<String> key;
        private List<PartitionKey> partitionBy;
        private List<SortKey> sortedBy;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder key(List<String> key) {
            this.key = key;
            return this;
        }

        public Builder key(String... key) {
            return key(Arrays.asList(key));
        }

        public Builder partitionBy(List<PartitionKey> partitionBy) {
            this.partitionBy = partitionBy;
            return this;
        }

        public Builder sortedBy(List<SortKey> sortedBy) {
            this.sortedBy = sortedBy;
            return this;
        }

        public TableDeclaration build() {
            Objects.requireNonNull(name, "table name");
            return new TableDeclaration(this);
        }
    }
}
