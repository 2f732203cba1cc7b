package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;

import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code _flink_commits} table in the target database: one row per sink run, table and
 * checkpoint, appended after the checkpoint's loads. It shows an operator what landed.
 *
 * <p>A row proves that exactly the uploads it names were published, because it is written only
 * after their loads succeeded; a row of another run, or of the same checkpoint id with other
 * uploads (a restore from an older savepoint), proves nothing about this committable. The rows of
 * several sinks of one database and checkpoint are appended together, in one load ({@link
 * HotdataDatabaseCommits}); each is still written only after its own loads succeeded. Rows whose
 * mode is {@value #FAILED} record an upload whose load the server refused: if the server later
 * calls that upload consumed, it was consumed by the failed load, not published.
 *
 * <p>Every look-up that the server cannot answer with a 4xx (no log table yet, a log table from
 * before a column existed) counts as "no proof", which only ever makes the committer load again.
 */
@Internal
final class HotdataCommitLog {

    static final String TABLE = HotdataSinkConfig.COMMIT_LOG_TABLE;

    /** The mode of rows that record a refused load. */
    static final String FAILED = "failed";

    /** TIMESTAMPTZ in inline CSV; shared with {@link HotdataTableRegistry}. */
    static final DateTimeFormatter TIMESTAMP =
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
        // last: a log table from an older version gains it as a new nullable column
        COLUMNS.put("run_id", "VARCHAR");
    }

    private final HotdataClient client;
    private final HotdataSinkConfig config;
    private final String databaseId;
    private final String jobId;

    HotdataCommitLog(
            HotdataClient client, HotdataSinkConfig config, String databaseId, String jobId) {
        this.client = client;
        this.config = config;
        this.databaseId = databaseId;
        this.jobId = jobId;
    }

    /** Whether a row proves that this committable, with exactly its uploads, was published. */
    boolean holds(HotdataCommittable c) throws HotdataException {
        return count(
                        ofRun(c)
                                + " AND checkpoint_id = "
                                + c.checkpointId()
                                + " AND coalesce(upload_ids, '') = "
                                + quote(c.uploadIds())
                                + " AND mode = "
                                + quote(config.writeMode().optionValue()))
                > 0;
    }

    /** Whether a row of this sink records the upload as published (any run, any checkpoint). */
    boolean recordsPublished(String sinkId, String uploadId) throws HotdataException {
        return count(ofSink(sinkId) + " AND mode <> " + quote(FAILED) + naming(uploadId)) > 0;
    }

    /** Whether a row of this sink records that a load of the upload was refused. */
    boolean recordsFailed(String sinkId, String uploadId) throws HotdataException {
        return count(ofSink(sinkId) + " AND mode = " + quote(FAILED) + naming(uploadId)) > 0;
    }

    /** The highest checkpoint id logged for the committable's run, or -1. */
    long lastCheckpointOfRun(HotdataCommittable c) throws HotdataException {
        List<List<Object>> rows = select("SELECT max(checkpoint_id)", ofRun(c));
        if (rows == null || rows.isEmpty() || rows.get(0).isEmpty() || rows.get(0).get(0) == null) {
            return -1;
        }
        return Long.parseLong(String.valueOf(rows.get(0).get(0)));
    }

    /** Appends the row of one published checkpoint. */
    void append(HotdataCommittable c, Instant committedAt) throws HotdataException {
        appendAll(Collections.singletonList(row(c, committedAt)));
    }

    /** The row that records one published checkpoint, to be appended with others. */
    Row row(HotdataCommittable c, Instant committedAt) {
        return row(c, config.writeMode().optionValue(), c.uploadIds(), c.rowCount(), committedAt);
    }

    /** Records that the server refused the load of one upload of the committable. */
    void appendFailure(HotdataCommittable c, HotdataUploadedFile file, Instant at)
            throws HotdataException {
        appendAll(Collections.singletonList(row(c, FAILED, file.uploadId(), file.rowCount(), at)));
    }

    /**
     * One log row, written by {@link #appendAll}. Its key identifies what it records (not when), so
     * that the key of an append stays the same when the same rows are appended again.
     */
    static final class Row {
        final HotdataCommitLog log;
        final String csv;
        final String key;

        private Row(HotdataCommitLog log, String csv, String key) {
            this.log = log;
            this.csv = csv;
            this.key = key;
        }
    }

    private Row row(HotdataCommittable c, String mode, String uploads, long rows, Instant at) {
        String csv =
                String.join(
                        ",",
                        csvField(c.sinkId()),
                        csvField(jobId),
                        Long.toString(c.checkpointId()),
                        csvField(config.table()),
                        csvField(mode),
                        csvField(uploads),
                        Long.toString(rows),
                        TIMESTAMP.format(at),
                        csvField(c.runId()));
        String key =
                String.format(
                        "%s/%s/%s/%d/%s/%08x",
                        c.sinkId(),
                        c.runId(),
                        config.table(),
                        c.checkpointId(),
                        mode,
                        uploads.hashCode());
        return new Row(this, csv, key);
    }

    /**
     * Appends rows, possibly of several sinks (tables) of one database: one load per log table
     * (sinks of one database normally share one schema, hence one load), through the log of the
     * first row of each schema.
     */
    static void appendAll(List<Row> rows) throws HotdataException {
        Map<String, List<Row>> bySchema = new LinkedHashMap<>();
        for (Row row : rows) {
            bySchema.computeIfAbsent(
                            row.log.databaseId + "|" + row.log.config.schema(),
                            k -> new ArrayList<>())
                    .add(row);
        }
        for (List<Row> ofSchema : bySchema.values()) {
            ofSchema.get(0).log.appendRows(ofSchema);
        }
    }

    private void appendRows(List<Row> rows) throws HotdataException {
        StringBuilder csv = new StringBuilder(String.join(",", COLUMNS.keySet())).append('\n');
        List<String> keys = new ArrayList<>();
        for (Row row : rows) {
            csv.append(row.csv).append('\n');
            keys.add(row.key);
        }
        // a retried append whose first answer was lost runs only once; one row keeps the key it
        // always had, several rows get a digest of their keys (sorted: arrival order may change)
        String key;
        if (keys.size() == 1) {
            key = keys.get(0);
        } else {
            Collections.sort(keys);
            key = "rows/" + keys.size() + "/" + digest(String.join("\n", keys));
        }
        try {
            appendRow(csv.toString(), key);
        } catch (HotdataException e) {
            if (e.isTransient() || e.statusCode() != 409) {
                throw e;
            }
            // The key is taken: by these rows from an earlier attempt (their time differs, so the
            // server calls it a conflict), or by an attempt the server lost. Readers of the log
            // tolerate a row twice; a missing row would only cost a load replayed later.
            appendRow(csv.toString(), key + "/" + UUID.randomUUID().toString().substring(0, 8));
        }
    }

    private static String digest(String value) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(value.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                hex.append(String.format("%02x", hash[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private void appendRow(String csv, String key) throws HotdataException {
        client.load(
                databaseId,
                config.schema(),
                TABLE,
                LoadRequest.builder()
                        .mode(LoadMode.APPEND)
                        .data(csv)
                        .format("csv")
                        .columns(COLUMNS)
                        .idempotencyKey(key)
                        .build());
    }

    private String ofSink(String sinkId) {
        return " WHERE sink_id = " + quote(sinkId) + " AND table_name = " + quote(config.table());
    }

    private String ofRun(HotdataCommittable c) {
        // CSV reads an empty quoted field as NULL
        return ofSink(c.sinkId()) + " AND coalesce(run_id, '') = " + quote(c.runId());
    }

    private static String naming(String uploadId) {
        return " AND strpos(' ' || upload_ids || ' ', " + quote(" " + uploadId + " ") + ") > 0";
    }

    private long count(String where) throws HotdataException {
        List<List<Object>> rows = select("SELECT count(*)", where);
        if (rows == null || rows.isEmpty() || rows.get(0).isEmpty() || rows.get(0).get(0) == null) {
            return 0;
        }
        return Long.parseLong(String.valueOf(rows.get(0).get(0)));
    }

    private List<List<Object>> select(String what, String where) throws HotdataException {
        QueryResponse response;
        try {
            response =
                    client.query(
                            databaseId, what + " FROM " + config.schema() + "." + TABLE + where);
        } catch (HotdataException e) {
            if (isMissingTable(e)) {
                return null; // no log table (or column) yet: nothing is proven
            }
            throw e;
        }
        return response.rows();
    }

    /**
     * Whether a refused query is what the server answers while a table the connector keeps (this
     * log, {@link HotdataTableRegistry}) does not exist yet: a non-transient 4xx.
     */
    static boolean isMissingTable(HotdataException e) {
        return !e.isTransient() && e.statusCode() >= 400 && e.statusCode() < 500;
    }

    /** A SQL string literal. */
    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** A quoted inline-CSV field (an empty one reads as NULL). */
    static String csvField(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
