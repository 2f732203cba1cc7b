package dev.hotdata.flink.connector.sink.committer;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.sink.HotdataSinkConfig;

import org.apache.flink.annotation.Internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code _flink_commits} table in the target database: one row per sink, table and checkpoint,
 * appended after the checkpoint's loads. It shows an operator what landed and lets a restored
 * committer skip checkpoints known to be committed. It is advisory: Hotdata has no multi-table
 * atomic load, so exactly-once rests on the one-time claim of each upload.
 */
@Internal
final class HotdataCommitLog {

    static final String TABLE = HotdataSinkConfig.COMMIT_LOG_TABLE;

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

    private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("sink_id", "VARCHAR");
        COLUMNS.put("job_id", "VARCHAR");
        COLUMNS.put("checkpoint_id", "BIGINT");
        COLUMNS.put("table_name", "VARCHAR");
        COLUMNS.put("mode", "VARCHAR");
        COLUMNS.put("upload_ids", "VARCHAR");
        COLUMNS.put("row_count", "BIGINT");
        COLUMNS.put("committed_at", "TIMESTAMPTZ");
    }

    private final HotdataClient client;
    private final HotdataSinkConfig config;
    private final String databaseId;

    HotdataCommitLog(HotdataClient client, HotdataSinkConfig config, String databaseId) {
        this.client = client;
        this.config = config;
        this.databaseId = databaseId;
    }

    /**
     * The highest checkpoint id logged for this sink and table, or -1 when none is (including when
     * the log table does not exist yet).
     */
    long lastCommittedCheckpoint(String sinkId) throws HotdataException {
        String sql =
                "SELECT max(checkpoint_id) FROM "
                        + config.schema()
                        + "."
                        + TABLE
                        + " WHERE sink_id = "
                        + quote(sinkId)
                        + " AND table_name = "
                        + quote(config.table());
        QueryResponse response;
        try {
            response = client.query(databaseId, sql);
        } catch (HotdataException e) {
            if (e.statusCode() >= 400
                    && e.statusCode() < 500
                    && e.serverMessage() != null
                    && e.serverMessage().contains("not found")) {
                return -1; // no commit has been logged in this database yet
            }
            throw e;
        }
        List<List<Object>> rows = response.rows();
        if (rows == null || rows.isEmpty() || rows.get(0).isEmpty() || rows.get(0).get(0) == null) {
            return -1;
        }
        return Long.parseLong(String.valueOf(rows.get(0).get(0)));
    }

    /** Appends the row of one committed checkpoint. */
    void append(String sinkId, String jobId, HotdataCommittable committable, Instant committedAt)
            throws HotdataException {
        append(sinkId, jobId, committable, committedAt, "");
    }

    /** Appends the row under the checkpoint's idempotency key plus {@code keySuffix}. */
    void append(
            String sinkId,
            String jobId,
            HotdataCommittable committable,
            Instant committedAt,
            String keySuffix)
            throws HotdataException {
        String uploads =
                committable.files().stream()
                        .map(HotdataUploadedFile::uploadId)
                        .collect(Collectors.joining(" "));
        String csv =
                String.join(",", COLUMNS.keySet())
                        + "\n"
                        + String.join(
                                ",",
                                csvField(sinkId),
                                csvField(jobId),
                                Long.toString(committable.checkpointId()),
                                csvField(config.table()),
                                csvField(config.writeMode().optionValue()),
                                csvField(uploads),
                                Long.toString(committable.rowCount()),
                                TIMESTAMP.format(committedAt))
                        + "\n";
        client.load(
                databaseId,
                config.schema(),
                TABLE,
                LoadRequest.builder()
                        .mode(LoadMode.APPEND)
                        .data(csv)
                        .format("csv")
                        .columns(COLUMNS)
                        // a retried append whose first response was lost runs only once
                        .idempotencyKey(
                                sinkId
                                        + "/"
                                        + config.table()
                                        + "/"
                                        + committable.checkpointId()
                                        + keySuffix)
                        .build());
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String csvField(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
