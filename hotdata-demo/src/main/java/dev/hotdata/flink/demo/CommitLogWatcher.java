package dev.hotdata.flink.demo;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.QueryResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the sink's commit log ({@code _flink_commits}, one row per table and checkpoint published)
 * for one job, returning the rows not seen before. It is how the demo shows what has landed while
 * the job runs, from Hotdata itself.
 */
final class CommitLogWatcher {

    /** One published checkpoint of one table. */
    static final class Commit {
        final String table;
        final long checkpointId;
        final String mode;
        final long rows;

        Commit(String table, long checkpointId, String mode, long rows) {
            this.table = table;
            this.checkpointId = checkpointId;
            this.mode = mode;
            this.rows = rows;
        }
    }

    private final HotdataClient client;
    private final String databaseId;
    private final String sql;
    private final Set<String> seen = new HashSet<>();

    CommitLogWatcher(HotdataClient client, String databaseId, String schema, String jobId) {
        this.client = client;
        this.databaseId = databaseId;
        this.sql =
                "SELECT table_name, checkpoint_id, mode, row_count FROM "
                        + schema
                        + "._flink_commits WHERE job_id = '"
                        + jobId.replace("'", "''")
                        + "' ORDER BY checkpoint_id, table_name";
    }

    /**
     * The commits logged since the last call; none while the log table does not exist yet.
     *
     * @throws HotdataException on any other failure of the query
     */
    List<Commit> poll() throws HotdataException {
        QueryResponse response;
        try {
            response = client.query(databaseId, sql);
        } catch (HotdataException e) {
            if (e.serverMessage() != null && e.serverMessage().contains("not found")) {
                return new ArrayList<>(); // nothing committed in this database yet
            }
            throw e;
        }
        List<Commit> fresh = new ArrayList<>();
        for (List<Object> row : response.rows()) {
            Commit commit =
                    new Commit(
                            String.valueOf(row.get(0)),
                            Long.parseLong(String.valueOf(row.get(1))),
                            String.valueOf(row.get(2)),
                            Long.parseLong(String.valueOf(row.get(3))));
            if (seen.add(commit.table + "@" + commit.checkpointId)) {
                fresh.add(commit);
            }
        }
        return fresh;
    }
}
