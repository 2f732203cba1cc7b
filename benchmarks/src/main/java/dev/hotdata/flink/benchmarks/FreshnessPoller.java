package dev.hotdata.flink.benchmarks;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.QueryResponse;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures freshness as a user of Hotdata sees it: a thread that queries the tables every {@code
 * interval} ms and counts, per 100 ms slice of {@code created_at}, the rows visible. Rows of a
 * slice that a poll sees for the first time were made {@code created_at} ago and became visible at
 * the latest when that poll ran: their freshness is the poll's <b>send time</b> minus the slice's
 * middle (±50 ms). The send time is a lower bound of when a user querying then would have had the
 * rows: the answer itself comes one query latency later (~400 ms with the cloud profile).
 *
 * <p>The poll is exact and cheap: it only asks for slices from the oldest one that does not yet
 * show every row the generator made in it ({@link FreshRows.Generated}), so rows that become
 * visible out of order (one writer's file of a checkpoint before another's) are all counted, and
 * complete slices are not asked for again.
 */
final class FreshnessPoller implements Runnable {

    private final HotdataClient client;
    private final String databaseId;
    private final List<String> tables;
    private final FreshRows.Generated generated;
    private final boolean split;
    private final long intervalMillis;
    private final long deadlineMillis;

    private final long[] floorBucket;
    private final List<Map<Long, Long>> seen = new ArrayList<>();
    private final boolean[] exists;

    /** {freshness ms, rows} of every slice first seen, in the order seen. */
    final List<long[]> samples = new ArrayList<>();

    long polls;
    long queries;

    /** {sent, answered} wall-clock ms of every query the poller made. */
    final List<long[]> queryTimes = new ArrayList<>();

    long failedPolls;
    long rowsSeen;
    long maxPollMillis;
    final List<Long> pollMillis = new ArrayList<>();
    private volatile boolean stopped;
    private Thread thread;

    FreshnessPoller(
            HotdataClient client,
            String databaseId,
            List<String> tables,
            FreshRows.Generated generated,
            boolean split,
            long startMillis,
            long intervalMillis,
            long deadlineMillis) {
        this.client = client;
        this.databaseId = databaseId;
        this.tables = tables;
        this.generated = generated;
        this.split = split;
        this.intervalMillis = intervalMillis;
        this.deadlineMillis = deadlineMillis;
        this.floorBucket = new long[tables.size()];
        this.exists = new boolean[tables.size()];
        for (int t = 0; t < tables.size(); t++) {
            floorBucket[t] = startMillis / FreshRows.BUCKET_MILLIS;
            seen.add(new HashMap<>());
        }
    }

    void start() {
        thread = new Thread(this, "freshness-poller");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops polling (the poll under way finishes first) and waits for the thread. */
    void stop() throws InterruptedException {
        stopped = true;
        thread.join(60_000);
    }

    @Override
    public void run() {
        while (!stopped && System.currentTimeMillis() < deadlineMillis) {
            long sent = System.currentTimeMillis();
            try {
                poll(sent);
            } catch (HotdataException | RuntimeException e) {
                failedPolls++;
            }
            long took = System.currentTimeMillis() - sent;
            pollMillis.add(took);
            maxPollMillis = Math.max(maxPollMillis, took);
            polls++;
            long pause = sent + intervalMillis - System.currentTimeMillis();
            if (pause > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private String select(int t) {
        return "SELECT "
                + t
                + " AS t, epoch_ms(created_at) // "
                + FreshRows.BUCKET_MILLIS
                + " AS b, count(*) AS n FROM public."
                + tables.get(t)
                + " WHERE epoch_ms(created_at) >= "
                + floorBucket[t] * FreshRows.BUCKET_MILLIS
                + " GROUP BY 1, 2";
    }

    private void poll(long sent) throws HotdataException {
        List<Integer> known = new ArrayList<>();
        for (int t = 0; t < tables.size(); t++) {
            if (exists[t]) {
                known.add(t);
            }
        }
        if (known.size() == tables.size()) {
            // every table exists: one query for all of them
            StringBuilder sql = new StringBuilder();
            for (int t : known) {
                sql.append(sql.length() == 0 ? "" : " UNION ALL ").append(select(t));
            }
            take(sent, query(sql.toString()));
        } else {
            // until the sink made every table: one query each, a missing table fails alone
            for (int t = 0; t < tables.size(); t++) {
                try {
                    take(sent, query(select(t)));
                    exists[t] = true;
                } catch (HotdataException e) {
                    if (e.isTransient()) {
                        throw e;
                    }
                }
            }
        }
        advanceFloors(sent);
    }

    private List<List<Object>> query(String sql) throws HotdataException {
        queries++;
        long sent = System.currentTimeMillis();
        try {
            QueryResponse r = client.query(databaseId, sql);
            if ((r.isAsync() || r.truncated()) && r.resultId() != null) {
                return client.awaitResult(databaseId, r.resultId(), Duration.ofSeconds(60)).rows();
            }
            return r.rows();
        } finally {
            queryTimes.add(new long[] {sent, System.currentTimeMillis()});
        }
    }

    private void take(long sent, List<List<Object>> rows) {
        for (List<Object> row : rows) {
            int t = (int) number(row.get(0));
            long bucket = number(row.get(1));
            long n = number(row.get(2));
            Long before = seen.get(t).get(bucket);
            long fresh = n - (before == null ? 0 : before);
            if (fresh > 0) {
                seen.get(t).put(bucket, n);
                long created = bucket * FreshRows.BUCKET_MILLIS + FreshRows.BUCKET_MILLIS / 2;
                samples.add(new long[] {sent - created, fresh});
                rowsSeen += fresh;
            }
        }
    }

    /** Moves each table's floor past the slices that show every row made in them. */
    private void advanceFloors(long now) {
        long current = now / FreshRows.BUCKET_MILLIS - 1; // slices still being made stay
        for (int t = 0; t < tables.size(); t++) {
            Map<Long, Long> s = seen.get(t);
            while (floorBucket[t] < current) {
                long b = floorBucket[t];
                Long n = s.get(b);
                if ((n == null ? 0 : n) < generated.made(b, t, split)) {
                    break;
                }
                s.remove(b);
                floorBucket[t]++;
            }
        }
    }

    private static long number(Object o) {
        return new BigDecimal(String.valueOf(o)).longValue();
    }
}
