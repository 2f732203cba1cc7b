package dev.hotdata.local.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A managed table. Its contents are the Parquet files of the current generation; publishing a load
 * replaces {@link #files} and {@link #columns} in one metadata swap.
 */
public final class TableRecord {
    public String name;

    /** Storage directory name under {@code tables/}. */
    public String uid;

    /** Declared key columns; null = none. */
    public List<String> key;

    public List<Map<String, String>> partitionBy = new ArrayList<>();
    public List<Map<String, String>> sortedBy = new ArrayList<>();

    /** Tombstoned by a delete: hidden, cannot be declared or loaded again. */
    public boolean deleted;

    public boolean synced;
    public String lastSync;
    public long generation;
    public List<ColumnRecord> columns = new ArrayList<>();
    public List<FileRecord> files = new ArrayList<>();
    public long rowCount;
}
