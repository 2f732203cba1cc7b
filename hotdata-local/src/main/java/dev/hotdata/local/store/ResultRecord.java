package dev.hotdata.local.store;

import java.util.ArrayList;
import java.util.List;

/** A persisted query result (a Parquet file under {@code results/}). */
public final class ResultRecord {
    public String id;
    public String workspaceId;
    public String databaseId;

    /** {@code processing}, {@code ready} or {@code failed}. */
    public String status;

    public String createdAt;
    public String errorMessage;
    public long rowCount;
    public List<ColumnRecord> columns = new ArrayList<>();
    public String path;
}
