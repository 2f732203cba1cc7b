package dev.hotdata.flink.connector.client.model;

/** A column in {@link TableInfo}: name, Arrow data type display string, nullability. */
public final class ColumnInfo {

    private String name;
    private String dataType;
    private boolean nullable;

    private ColumnInfo() {}

    public String name() {
        return name;
    }

    /** e.g. {@code Int64}, {@code Utf8}, {@code Timestamp(Microsecond, Some("UTC"))}. */
    public String dataType() {
        return dataType;
    }

    public boolean nullable() {
        return nullable;
    }

    @Override
    public String toString() {
        return name + " " + dataType + (nullable ? "" : " NOT NULL");
    }
}
