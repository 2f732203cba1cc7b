package dev.hotdata.local.store;

/** A table or result column: name (case preserved) and DuckDB type string. */
public final class ColumnRecord {
    public String name;
    public String type;

    public ColumnRecord() {}

    public ColumnRecord(String name, String type) {
        this.name = name;
        this.type = type;
    }
}
