package dev.hotdata.local.store;

import java.util.ArrayList;
import java.util.List;

/** One immutable Parquet file of a table generation. */
public final class FileRecord {
    /** Path relative to the data directory. */
    public String path;

    /** Column names physically present in the file. */
    public List<String> columns = new ArrayList<>();

    public long rows;
}
