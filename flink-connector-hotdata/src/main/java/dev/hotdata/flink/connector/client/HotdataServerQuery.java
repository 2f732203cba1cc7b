package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.QueryRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.QueryRunInfo;
import dev.hotdata.flink.connector.client.model.ResultPage;

import java.time.Duration;

/**
 * Runs a query on the server and waits for its persisted result, without fetching any rows: the
 * result is then loaded into a table by id, so the data never travels to the client. Asked for
 * asynchronously, so that the answer carries a run id rather than a preview of the rows.
 */
public final class HotdataServerQuery {

    /** A persisted result ready to be loaded. */
    public static final class Result {
        public final String resultId;
        public final long rowCount;

        Result(String resultId, long rowCount) {
            this.resultId = resultId;
            this.rowCount = rowCount;
        }
    }

    private final HotdataClient client;
    private final String databaseId;
    private final Duration timeout;

    public HotdataServerQuery(HotdataClient client, String databaseId, Duration timeout) {
        this.client = client;
        this.databaseId = databaseId;
        this.timeout = timeout;
    }

    /** Runs {@code sql} and returns its result once it is ready to be loaded. */
    public Result run(String sql) throws HotdataException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        QueryResponse response =
                client.query(databaseId, QueryRequest.builder().sql(sql).async(true).build());
        String resultId = response.resultId();
        Long rows = response.totalRowCount();
        if (response.isAsync() || resultId == null) {
            QueryRunInfo run = awaitRun(response.queryRunId(), deadline);
            resultId = run.resultId();
            rows = run.rowCount();
        }
        if (resultId == null) {
            throw failure("the query finished without a persisted result", sql);
        }
        long pauseMillis = 200;
        while (true) {
            ResultPage status = client.getResult(databaseId, resultId, 0, 0);
            if (status.isReady()) {
                if (rows == null) {
                    rows = status.totalRowCount();
                }
                if (rows == null) {
                    rows = -1L;
                }
                return new Result(resultId, rows);
            }
            pauseMillis = pause(deadline, pauseMillis, "result " + resultId, sql);
        }
    }

    private QueryRunInfo awaitRun(String runId, long deadline)
            throws HotdataException, InterruptedException {
        if (runId == null) {
            throw failure("the query was answered without a run id", null);
        }
        long pauseMillis = 200;
        while (true) {
            QueryRunInfo run = client.getQueryRun(databaseId, runId);
            String status = run.status() == null ? "" : run.status();
            if ("succeeded".equals(status)) {
                return run;
            }
            if (!"running".equals(status) && !"pending".equals(status)) {
                throw failure(
                        "query run " + runId + " ended " + status + ": " + run.errorMessage(),
                        run.sqlText());
            }
            pauseMillis = pause(deadline, pauseMillis, "query run " + runId, run.sqlText());
        }
    }

    private static long pause(long deadline, long pauseMillis, String what, String sql)
            throws HotdataException, InterruptedException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new HotdataException(
                    "POST /v1/query",
                    0,
                    HotdataErrorCodes.CLIENT_TIMEOUT,
                    what + " was not ready in time (SQL: " + sql + ")",
                    true,
                    null,
                    null);
        }
        Thread.sleep(Math.min(pauseMillis, Math.max(1, remaining / 1_000_000)));
        return Math.min(2000, pauseMillis * 2);
    }

    private static HotdataException failure(String message, String sql) {
        return new HotdataException(
                "POST /v1/query",
                0,
                HotdataErrorCodes.JOB_FAILED,
                sql == null ? message : message + " (SQL: " + sql + ")",
                false,
                null,
                null);
    }
}
