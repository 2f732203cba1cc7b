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

    /** How often a query whose run was interrupted (its server replaced) is submitted again. */
    static final int MAX_SUBMISSIONS = 3;

    /**
     * Runs {@code sql} and returns its result once it is ready to be loaded. A run the server
     * reports {@code interrupted} is submitted again (a read-only query may run twice); a status
     * this client does not know is polled like a running one until the deadline.
     */
    public Result run(String sql) throws HotdataException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int submission = 1; ; submission++) {
            QueryResponse response =
                    client.query(databaseId, QueryRequest.builder().sql(sql).async(true).build());
            String resultId = response.resultId();
            Long rows = response.totalRowCount();
            if (response.isAsync() || resultId == null) {
                QueryRunInfo run = awaitRun(response.queryRunId(), deadline, sql);
                if (run == null) {
                    if (submission >= MAX_SUBMISSIONS) {
                        throw failure(
                                "the query run was interrupted " + submission + " times", sql);
                    }
                    continue;
                }
                resultId = run.resultId();
                rows = run.rowCount();
            }
            if (resultId == null) {
                throw failure("the query finished without a persisted result", sql);
            }
            return awaitResult(resultId, rows, deadline, sql);
        }
    }

    private Result awaitResult(String resultId, Long rows, long deadline, String sql)
            throws HotdataException, InterruptedException {
        long pauseMillis = 200;
        while (true) {
            ResultPage status = client.getResult(databaseId, resultId, 0, 0);
            if (status.isReady()) {
                Long count = rows != null ? rows : status.totalRowCount();
                return new Result(resultId, count == null ? -1L : count);
            }
            pauseMillis = pause(deadline, pauseMillis, "result " + resultId, sql);
        }
    }

    /** The finished run, or null when the server reports it interrupted. */
    private QueryRunInfo awaitRun(String runId, long deadline, String sql)
            throws HotdataException, InterruptedException {
        if (runId == null) {
            throw failure("the query was answered without a run id", sql);
        }
        long pauseMillis = 200;
        while (true) {
            QueryRunInfo run = client.getQueryRun(databaseId, runId);
            String status = run.status() == null ? "" : run.status();
            switch (status) {
                case "succeeded":
                    return run;
                case "interrupted":
                    return null;
                case "failed":
                case "cancelled":
                    throw failure(
                            "query run " + runId + " ended " + status + ": " + run.errorMessage(),
                            run.sqlText() != null ? run.sqlText() : sql);
                default:
                    // pending, running, or a status added after this client: keep polling
                    pauseMillis = pause(deadline, pauseMillis, "query run " + runId, sql);
            }
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
