package dev.hotdata.local.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything hotdata-local persists besides the Parquet files: one JSON document, replaced
 * atomically on every change. Guarded by {@link StateStore}'s monitor.
 */
public final class LocalState {
    /** Key for presigned storage URLs; kept so URLs survive a restart. */
    public String signingSecret;

    /** Monotonic sequence (database ordering, file names). */
    public long seq;

    public Map<String, DatabaseRecord> databases = new LinkedHashMap<>();
    public Map<String, UploadRecord> uploads = new LinkedHashMap<>();
    public Map<String, ResultRecord> results = new LinkedHashMap<>();
    public Map<String, QueryRunRecord> queryRuns = new LinkedHashMap<>();
    public Map<String, JobRecord> jobs = new LinkedHashMap<>();
    public Map<String, IdempotencyRecord> idempotency = new LinkedHashMap<>();
}
