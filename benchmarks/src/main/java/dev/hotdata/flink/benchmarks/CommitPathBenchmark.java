package dev.hotdata.flink.benchmarks;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.fault.RequestLogEntry;
import dev.hotdata.local.latency.LatencyProfile;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.flink.util.FileUtils;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commit path at the real service's speed (issue 16): a streaming job writing rate-limited rows
 * into {@code HotdataSink} (append mode), against an in-process hotdata-local with the {@code
 * CLOUD} latency profile, for a matrix of sink parallelism, tables (1 or 3 of one database) and
 * rates. Written against the public sink API only, so it measures whatever the sink does.
 *
 * <p>The job: one {@code DataGeneratorSource} at parallelism 1 paced by {@code
 * RateLimiterStrategy.perSecond}, each row stamped with {@code created_at} (TIMESTAMP_LTZ) when it
 * is made, rebalanced to one {@code HotdataSink} per table at parallelism P (every writer gets rows
 * in every checkpoint). With three tables every table gets every row (the full rate each, so each
 * table's checkpoints are as large as in the one-table run), or with {@code
 * bench.commit.split-rate} a third each. The job runs for {@code bench.commit.duration-s} and is
 * then cancelled (no savepoint); rows not visible by then are not counted.
 *
 * <p>Prints per configuration: the achieved rate; commit duration p50 / p99, two ways: the
 * committer's own {@code hotdataCommitDurationMs} histogram (its loads and commit-log append, not
 * the wait for this JVM's lock of the database), and from hotdata-local's request log: the moment
 * Flink completed the checkpoint (and told the committer to commit) → the answer to the last {@code
 * _flink_commits} append of that checkpoint (matched by the rows' {@code committed_at}); data
 * loads, uploads, {@code _flink_commits} appends and all requests per committed checkpoint
 * (request-log counts over the run / distinct checkpoint ids in {@code _flink_commits}); files
 * added per table per hour (= data loads into the table per hour of run); freshness p50 / p99
 * ({@link FreshnessPoller}: created_at → send time of the first poll that saw the row, a lower
 * bound).
 *
 * <p>{@code bench.mode=longrun}: loopback latency (profile NONE), a short checkpoint interval,
 * until {@code bench.longrun.checkpoints} checkpoints completed; prints the commit duration
 * (committer histogram) of the first 100 and last 100 commits (p50, mean) and their ratio, and the
 * requests per commit (the request log cut at each {@code _flink_commits} append) of the first and
 * last 100.
 *
 * <p>Run: {@code mvn -B -ntp -Pbenchmarks -pl benchmarks -am verify -DskipTests
 * -Dbench.main=CommitPathBenchmark}; properties: {@code bench.mode} (matrix | longrun), {@code
 * bench.commit.parallelism} ("1,4,8,16"), {@code bench.commit.tables} ("1,3"), {@code
 * bench.commit.rates} ("2000,20000"), {@code bench.commit.configs} ("PxT@rate,...", e.g.
 * "16x1@2000,16x3@2000": instead of the cross product), {@code bench.commit.checkpoint-interval-ms}
 * (10000), {@code bench.commit.duration-s} (120), {@code bench.commit.split-rate} (false), {@code
 * bench.commit.poll-interval-ms} (500), {@code bench.latency-scale} (1.0), {@code
 * bench.latency-seed} (42), {@code bench.longrun.checkpoints} (5000), {@code
 * bench.longrun.interval-ms} (200), {@code bench.longrun.parallelism} (4), {@code
 * bench.longrun.rate} (1000), {@code bench.longrun.window} (100).
 */
public final class CommitPathBenchmark {

    private static final String COMMIT_LOG = "_flink_commits";
    private static final Pattern LOAD = Pattern.compile(".*/tables/([^/]+)/loads$");

    /** What to run; read from system properties by {@link #fromSystemProperties()}. */
    static final class Settings {
        String mode = "matrix";
        List<int[]> configs = new ArrayList<>(); // {parallelism, tables, rate}
        long checkpointIntervalMillis = 10_000;
        long durationSeconds = 120;
        boolean splitRate;
        long pollIntervalMillis = 500;
        double latencyScale = 1.0;
        long latencySeed = 42;
        int longrunCheckpoints = 5000;
        long longrunIntervalMillis = 200;
        int longrunParallelism = 4;
        int longrunRate = 1000;
        int longrunWindow = 100;

        static Settings fromSystemProperties() {
            Settings s = new Settings();
            s.mode = System.getProperty("bench.mode", s.mode).trim();
            String configs = System.getProperty("bench.commit.configs", "").trim();
            if (!configs.isEmpty()) {
                for (String c : configs.split(",")) {
                    Matcher m = Pattern.compile("(\\d+)x(\\d+)@(\\d+)").matcher(c.trim());
                    if (!m.matches()) {
                        throw new IllegalArgumentException(
                                "bench.commit.configs: '" + c + "' is not PxT@rate");
                    }
                    s.configs.add(
                            new int[] {
                                Integer.parseInt(m.group(1)),
                                Integer.parseInt(m.group(2)),
                                Integer.parseInt(m.group(3))
                            });
                }
            } else {
                int[] ps = ints(System.getProperty("bench.commit.parallelism", "1,4,8,16"));
                int[] ts = ints(System.getProperty("bench.commit.tables", "1,3"));
                int[] rs = ints(System.getProperty("bench.commit.rates", "2000,20000"));
                for (int r : rs) {
                    for (int t : ts) {
                        for (int p : ps) {
                            s.configs.add(new int[] {p, t, r});
                        }
                    }
                }
            }
            s.checkpointIntervalMillis =
                    longProperty("bench.commit.checkpoint-interval-ms", s.checkpointIntervalMillis);
            s.durationSeconds = longProperty("bench.commit.duration-s", s.durationSeconds);
            s.splitRate = Boolean.parseBoolean(System.getProperty("bench.commit.split-rate"));
            s.pollIntervalMillis =
                    longProperty("bench.commit.poll-interval-ms", s.pollIntervalMillis);
            String scale = System.getProperty("bench.latency-scale", "").trim();
            s.latencyScale = scale.isEmpty() ? s.latencyScale : Double.parseDouble(scale);
            s.latencySeed = longProperty("bench.latency-seed", s.latencySeed);
            s.longrunCheckpoints =
                    (int) longProperty("bench.longrun.checkpoints", s.longrunCheckpoints);
            s.longrunIntervalMillis =
                    longProperty("bench.longrun.interval-ms", s.longrunIntervalMillis);
            s.longrunParallelism =
                    (int) longProperty("bench.longrun.parallelism", s.longrunParallelism);
            s.longrunRate = (int) longProperty("bench.longrun.rate", s.longrunRate);
            s.longrunWindow = (int) longProperty("bench.longrun.window", s.longrunWindow);
            return s;
        }

        private static long longProperty(String name, long otherwise) {
            String v = System.getProperty(name, "").trim();
            return v.isEmpty() ? otherwise : Long.parseLong(v);
        }

        private static int[] ints(String list) {
            return Arrays.stream(list.split(","))
                    .map(String::trim)
                    .filter(x -> !x.isEmpty())
                    .mapToInt(Integer::parseInt)
                    .toArray();
        }

        int maxParallelism() {
            if (mode.equals("longrun")) {
                return longrunParallelism;
            }
            int max = 1;
            for (int[] c : configs) {
                max = Math.max(max, c[0]);
            }
            return max;
        }
    }

    /** The figures of one configuration. */
    static final class Result {
        int parallelism;
        int tables;
        int targetRate;
        double achievedRate;
        long rowsMade;
        long rowsVisible;
        double runSeconds;
        int checkpoints; // distinct checkpoint ids in _flink_commits
        long histogramCommits;
        long histogramP50 = -1;
        long histogramP99 = -1;
        int logCommits; // checkpoints whose end was found in the request log
        long logP50 = -1;
        long logP99 = -1;
        long betweenCommitsP50 = -1;
        double dataLoadsPerCheckpoint;
        double uploadsPerCheckpoint; // published: upload ids named in _flink_commits
        double uploadRequestsPerCheckpoint; // POST /v1/uploads over the run, in-flight ones too
        double batchUploadRequestsPerCheckpoint;
        double commitLogAppendsPerCheckpoint;
        double requestsPerCheckpoint;
        long refusedLoads;
        final Map<String, Double> filesPerHour = new TreeMap<>();
        long freshnessP50 = -1;
        long freshnessP99 = -1;
        long polls;
        long pollP50Millis;
        long failedPolls;
        final List<String> lines = new ArrayList<>();
    }

    /** The figures of the long run. */
    static final class LongRun {
        int checkpoints;
        double seconds;
        int window;
        double firstP50;
        double firstMean;
        double lastP50;
        double lastMean;
        double firstRequests;
        double lastRequests;
        double firstRequestsP50;
        double lastRequestsP50;
        Map<String, Double> firstByKind = new TreeMap<>();
        Map<String, Double> lastByKind = new TreeMap<>();
        final List<String> lines = new ArrayList<>();
    }

    /** Everything a run printed, for the smoke test to check. */
    static final class Report {
        final List<Result> results = new ArrayList<>();
        LongRun longRun;
        final List<String> lines = new ArrayList<>();
    }

    private final HotdataLocalServer server;
    private final InMemoryReporter metrics;
    private final HotdataClient client;
    private final Settings settings;
    private int runs;

    private CommitPathBenchmark(
            HotdataLocalServer server, InMemoryReporter metrics, Settings settings) {
        this.server = server;
        this.metrics = metrics;
        this.settings = settings;
        this.client =
                new HotdataClient(
                        HotdataClientConfig.builder()
                                .endpoint(server.endpoint())
                                .apiKey(server.apiKey())
                                .workspaceId(server.workspaceId())
                                .build());
    }

    /** Runs the benchmark (see the class doc for the properties) and prints the figures. */
    public static void main(String[] args) throws Exception {
        Report report = run(Settings.fromSystemProperties());
        System.out.println();
        System.out.println("==== Commit path benchmark ====");
        for (String line : report.lines) {
            System.out.println(line);
        }
        System.exit(0); // the MiniCluster leaves non-daemon threads behind
    }

    static Report run(Settings settings) throws Exception {
        java.nio.file.Path work = Files.createTempDirectory("hotdata-commit-bench-");
        boolean longrun = settings.mode.equals("longrun");
        if (!longrun && !settings.mode.equals("matrix")) {
            throw new IllegalArgumentException("bench.mode must be matrix or longrun");
        }
        // one reporter per cluster: a reporter does not outlive its MiniCluster
        InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
        Configuration conf = metrics.addToConfiguration(new Configuration());
        MiniClusterWithClientResource cluster =
                new MiniClusterWithClientResource(
                        new MiniClusterResourceConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(settings.maxParallelism())
                                .build());
        cluster.before();
        LatencyProfile profile = longrun ? LatencyProfile.NONE : LatencyProfile.CLOUD;
        try (HotdataLocalServer server =
                HotdataLocalServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .dataDir(work.resolve("hotdata-local"))
                        .latencyProfile(profile)
                        .latencyScale(settings.latencyScale)
                        .latencySeed(settings.latencySeed)
                        .lockScope(
                                dev.hotdata.local.api.LockScope.valueOf(
                                        System.getProperty("bench.lock-scope", "database")
                                                .trim()
                                                .toUpperCase(java.util.Locale.ROOT)))
                        .build()
                        .start()) {
            CommitPathBenchmark bench = new CommitPathBenchmark(server, metrics, settings);
            Report report = new Report();
            String machine =
                    String.format(
                            "Machine: %d cores, JDK %s; hotdata-local latency profile %s, scale %s,"
                                    + " seed %d; MiniCluster 1 TM x %d slots",
                            Runtime.getRuntime().availableProcessors(),
                            System.getProperty("java.version"),
                            profile,
                            settings.latencyScale,
                            settings.latencySeed,
                            settings.maxParallelism());
            System.out.println(machine);
            report.lines.add(machine);
            try {
                if (longrun) {
                    report.longRun = bench.longRun();
                    report.lines.addAll(report.longRun.lines);
                } else {
                    for (int[] c : settings.configs) {
                        Result r = bench.configuration(c[0], c[1], c[2]);
                        report.results.add(r);
                        report.lines.addAll(r.lines);
                    }
                    report.lines.addAll(table(report.results, settings));
                }
            } finally {
                bench.client.close();
            }
            return report;
        } finally {
            cluster.after();
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
    }

    // ---------------------------------------------------------------------------------------
    // the job

    private static String tableName(int t) {
        return "events_" + (t + 1);
    }

    /** Starts the job: generator (parallelism 1) → checkpoint times → one sink per table at P. */
    private JobClient start(
            String label,
            String database,
            int parallelism,
            int tables,
            int rate,
            long intervalMillis)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(intervalMillis);
        DataStream<RowData> rows =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        new FreshRows(label),
                                        Long.MAX_VALUE,
                                        RateLimiterStrategy.perSecond(rate),
                                        InternalTypeInfo.of(FreshRows.ROW_TYPE)),
                                WatermarkStrategy.noWatermarks(),
                                "rows")
                        .setParallelism(1)
                        .map(new CheckpointTimes(label))
                        .returns(InternalTypeInfo.of(FreshRows.ROW_TYPE))
                        .setParallelism(1)
                        .name("checkpoint times");
        for (int t = 0; t < tables; t++) {
            DataStream<RowData> in = rows;
            if (settings.splitRate && tables > 1) {
                final int residue = t;
                final int n = tables;
                in = rows.filter(r -> r.getLong(0) % n == residue).setParallelism(1);
            }
            in.rebalance()
                    .sinkTo(
                            HotdataSink.<RowData>builder()
                                    .setEndpoint(server.endpoint())
                                    .setApiKey(server.apiKey())
                                    .setWorkspaceId(server.workspaceId())
                                    .setDatabase(database)
                                    .setTable(tableName(t))
                                    .setWriteMode(HotdataWriteMode.APPEND)
                                    .setRowType(FreshRows.ROW_TYPE)
                                    .build())
                    .setParallelism(parallelism)
                    .name("hotdata " + tableName(t));
        }
        return env.executeAsync(label);
    }

    /** Cancels the job (no savepoint) and waits, bounded, until it is cancelled. */
    private static void cancel(JobClient job) throws Exception {
        job.cancel().get(120, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private String createDatabase(String name) throws HotdataException {
        // made here, not by three sinks at once
        return client.createDatabase(CreateDatabaseRequest.builder().name(name).build()).id();
    }

    // ---------------------------------------------------------------------------------------
    // one configuration of the matrix

    private Result configuration(int parallelism, int tables, int rate) throws Exception {
        String label = String.format("p%d_t%d_r%d_%d", parallelism, tables, rate, ++runs);
        String database = "commit_" + label;
        String databaseId = createDatabase(database);
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tables; t++) {
            names.add(tableName(t));
        }
        System.out.printf(
                "%n-- P=%d, %d table(s), %,d rows/s target, checkpoint every %d ms, %d s --%n",
                parallelism,
                tables,
                rate,
                settings.checkpointIntervalMillis,
                settings.durationSeconds);
        FreshRows.Generated generated = FreshRows.register(label, tables);
        int mark = server.requestLog().entries().size();
        long submitted = System.currentTimeMillis();
        JobClient job =
                start(
                        label,
                        database,
                        parallelism,
                        tables,
                        rate,
                        settings.checkpointIntervalMillis);
        FreshnessPoller poller;
        try (HotdataClient pollClient = newClient()) {
            poller =
                    new FreshnessPoller(
                            pollClient,
                            databaseId,
                            names,
                            generated,
                            settings.splitRate && tables > 1,
                            submitted,
                            settings.pollIntervalMillis,
                            submitted + settings.durationSeconds * 1000 + 600_000);
            poller.start();
            // the run's time counts from the first row, not from the job's start-up
            long startDeadline = System.currentTimeMillis() + 300_000;
            while (generated.rows.get() == 0 && System.currentTimeMillis() < startDeadline) {
                if (job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    break;
                }
                Thread.sleep(100);
            }
            long end = System.currentTimeMillis() + settings.durationSeconds * 1000;
            while (System.currentTimeMillis() < end) {
                JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    throw new IllegalStateException("job " + label + " ended early: " + status);
                }
                Thread.sleep(Math.min(1000, Math.max(1, end - System.currentTimeMillis())));
            }
            poller.stop(); // rows first visible after this are not counted
        }
        long stopped = System.currentTimeMillis();
        cancel(job);
        int endMark = server.requestLog().entries().size();
        Result r =
                analyse(
                        label,
                        job.getJobID(),
                        databaseId,
                        parallelism,
                        tables,
                        rate,
                        generated,
                        poller,
                        server.requestLog().entries().subList(mark, endMark),
                        stopped);
        FreshRows.forget(label);
        CheckpointTimes.forget(label);
        for (String line : r.lines) {
            System.out.println(line);
        }
        return r;
    }

    private HotdataClient newClient() {
        return new HotdataClient(
                HotdataClientConfig.builder()
                        .endpoint(server.endpoint())
                        .apiKey(server.apiKey())
                        .workspaceId(server.workspaceId())
                        .build());
    }

    /** One row of {@code _flink_commits}: checkpoint id, table, committed_at (ms). */
    private static final class CommitRow {
        final long checkpoint;
        final String table;
        final long committedAt;
        final int uploads; // upload ids the row names

        CommitRow(long checkpoint, String table, long committedAt, String uploadIds) {
            this.checkpoint = checkpoint;
            this.table = table;
            this.committedAt = committedAt;
            String ids = uploadIds.trim();
            this.uploads = ids.isEmpty() ? 0 : ids.split("[\\s,]+").length;
        }
    }

    private List<CommitRow> commitRows(String databaseId) throws HotdataException {
        QueryResponse q =
                client.query(
                        databaseId,
                        "SELECT checkpoint_id, table_name, epoch_ms(committed_at),"
                                + " coalesce(upload_ids, '') FROM public."
                                + COMMIT_LOG
                                + " WHERE mode <> 'failed' ORDER BY 3");
        List<List<Object>> rows = q.rows();
        if ((q.isAsync() || q.truncated()) && q.resultId() != null) {
            rows = client.awaitResult(databaseId, q.resultId(), Duration.ofSeconds(60)).rows();
        }
        List<CommitRow> out = new ArrayList<>();
        for (List<Object> row : rows) {
            out.add(
                    new CommitRow(
                            number(row.get(0)),
                            String.valueOf(row.get(1)),
                            number(row.get(2)),
                            row.get(3) == null ? "" : String.valueOf(row.get(3))));
        }
        return out;
    }

    private static long number(Object o) {
        return new BigDecimal(String.valueOf(o)).longValue();
    }

    /** The kind of a request, for counting. */
    static String kind(RequestLogEntry e) {
        String p = e.path();
        String m = e.method();
        if (m.equals("PUT") && p.startsWith("/_storage/")) {
            return "storage put";
        }
        if (m.equals("POST") && p.equals("/v1/uploads")) {
            return "upload create";
        }
        if (m.equals("POST") && p.equals("/v1/uploads/batch")) {
            return "upload batch";
        }
        if (p.startsWith("/v1/uploads/") && p.endsWith("/finalize")) {
            return "upload finalize";
        }
        if (p.startsWith("/v1/uploads/")) {
            return "upload other";
        }
        Matcher load = LOAD.matcher(p);
        if (m.equals("POST") && load.matches()) {
            String table = load.group(1);
            return table.equals(COMMIT_LOG)
                    ? "load commit log"
                    : table.startsWith("_") ? "load other" : "load data";
        }
        if (p.equals("/v1/query")) {
            return "query";
        }
        if (p.startsWith("/v1/results/") || p.startsWith("/v1/query-runs/")) {
            return "result";
        }
        return "other";
    }

    private static boolean ok(RequestLogEntry e) {
        return e.status() >= 200 && e.status() < 300;
    }

    private static String loadTable(RequestLogEntry e) {
        Matcher load = LOAD.matcher(e.path());
        return load.matches() ? load.group(1) : null;
    }

    private Result analyse(
            String label,
            JobID jobId,
            String databaseId,
            int parallelism,
            int tables,
            int rate,
            FreshRows.Generated generated,
            FreshnessPoller poller,
            List<RequestLogEntry> log,
            long stopped)
            throws HotdataException {
        Result r = new Result();
        r.parallelism = parallelism;
        r.tables = tables;
        r.targetRate = rate;
        r.rowsMade = generated.rows.get();
        double genSeconds = (generated.lastMillis - generated.firstMillis) / 1000.0;
        r.achievedRate = genSeconds <= 0 ? 0 : r.rowsMade / genSeconds;
        r.rowsVisible = poller.rowsSeen;
        r.runSeconds = (stopped - generated.firstMillis) / 1000.0;

        // commit duration, the committer's view
        List<Long> histogram = new ArrayList<>();
        for (Metric metric : metrics.findMetrics(jobId, "hotdataCommitDurationMs").values()) {
            Histogram h = (Histogram) metric;
            for (long v : h.getStatistics().getValues()) {
                histogram.add(v);
            }
            r.histogramCommits += h.getCount();
        }
        Collections.sort(histogram);
        r.histogramP50 = quantile(histogram, 0.5);
        r.histogramP99 = quantile(histogram, 0.99);

        // the committed checkpoints, from the commit log
        List<CommitRow> rows = commitRows(databaseId);
        TreeSet<Long> checkpoints = new TreeSet<>();
        long published = 0;
        for (CommitRow c : rows) {
            checkpoints.add(c.checkpoint);
            if (!c.table.startsWith("_")) {
                published += c.uploads;
            }
        }
        r.checkpoints = checkpoints.size();

        // the run's requests up to the answer of the last commit-log append
        List<RequestLogEntry> appends = new ArrayList<>();
        for (RequestLogEntry e : log) {
            if (ok(e) && kind(e).equals("load commit log")) {
                appends.add(e);
            }
        }
        long lastAppend =
                appends.isEmpty() ? stopped : appends.get(appends.size() - 1).timestampMillis();
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> loadsPerTable = new TreeMap<>();
        long requests = 0;
        for (RequestLogEntry e : log) {
            if (e.timestampMillis() > lastAppend) {
                break;
            }
            requests++;
            String kind = kind(e);
            counts.merge(kind, 1L, Long::sum);
            if (kind.equals("load data")) {
                if (ok(e)) {
                    loadsPerTable.merge(loadTable(e), 1L, Long::sum);
                } else if (e.status() == 409) {
                    r.refusedLoads++;
                }
            }
        }
        // the poller's own queries (sent before the window's end) are not the sink's
        long pollerRequests = 0;
        for (long[] q : new ArrayList<>(poller.queryTimes)) {
            if (q[0] <= lastAppend) {
                pollerRequests++;
            }
        }
        requests -= Math.min(requests, pollerRequests);
        double cps = Math.max(1, r.checkpoints);
        long dataLoads = 0;
        for (long n : loadsPerTable.values()) {
            dataLoads += n;
        }
        r.dataLoadsPerCheckpoint = dataLoads / cps;
        r.uploadsPerCheckpoint = published / cps;
        r.uploadRequestsPerCheckpoint = counts.getOrDefault("upload create", 0L) / cps;
        r.batchUploadRequestsPerCheckpoint = counts.getOrDefault("upload batch", 0L) / cps;
        r.commitLogAppendsPerCheckpoint = appends.size() / cps;
        r.requestsPerCheckpoint = requests / cps;
        double hours = r.runSeconds / 3600.0;
        for (int t = 0; t < tables; t++) {
            r.filesPerHour.put(tableName(t), loadsPerTable.getOrDefault(tableName(t), 0L) / hours);
        }

        // commit duration from the request log: checkpoint completed → its last append answered
        NavigableMap<Long, Long> completed = CheckpointTimes.completed(label);
        TreeSet<Long> sentTimes = new TreeSet<>();
        for (CommitRow c : rows) {
            sentTimes.add(c.committedAt);
        }
        Map<Long, Long> answerOf = new HashMap<>(); // committed_at → the append's answer
        int j = 0;
        for (long sent : sentTimes) {
            while (j < appends.size() && appends.get(j).timestampMillis() < sent) {
                j++;
            }
            if (j < appends.size()) {
                answerOf.put(sent, appends.get(j++).timestampMillis());
            }
        }
        Map<Long, Long> endOf = new TreeMap<>();
        for (CommitRow c : rows) {
            Long answer = answerOf.get(c.committedAt);
            if (answer != null) {
                endOf.merge(c.checkpoint, answer, Math::max);
            }
        }
        List<Long> durations = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (Map.Entry<Long, Long> e : endOf.entrySet()) {
            Long done = completed.get(e.getKey());
            if (done != null) {
                durations.add(e.getValue() - done);
            }
            ends.add(e.getValue());
        }
        r.logCommits = durations.size();
        Collections.sort(durations);
        r.logP50 = quantile(durations, 0.5);
        r.logP99 = quantile(durations, 0.99);
        Collections.sort(ends);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < ends.size(); i++) {
            gaps.add(ends.get(i) - ends.get(i - 1));
        }
        Collections.sort(gaps);
        r.betweenCommitsP50 = quantile(gaps, 0.5);

        // freshness, weighted by rows
        List<long[]> samples = new ArrayList<>(poller.samples);
        samples.sort((a, b) -> Long.compare(a[0], b[0]));
        r.freshnessP50 = weightedQuantile(samples, 0.5);
        r.freshnessP99 = weightedQuantile(samples, 0.99);
        r.polls = poller.polls;
        r.failedPolls = poller.failedPolls;
        List<Long> pollMillis = new ArrayList<>(poller.pollMillis);
        Collections.sort(pollMillis);
        r.pollP50Millis = quantile(pollMillis, 0.5);

        String head =
                String.format(
                        "P=%d, %d table%s, %,d rows/s target%s:",
                        parallelism,
                        tables,
                        tables == 1 ? "" : "s",
                        rate,
                        tables > 1 ? (settings.splitRate ? " (a third each)" : " (each)") : "");
        r.lines.add(
                String.format(
                        "%s achieved %,.0f rows/s (%,d rows made in %.0f s; %,d seen visible"
                                + " before the cancel)",
                        head, r.achievedRate, r.rowsMade, genSeconds, r.rowsVisible));
        r.lines.add(
                String.format(
                        "  commit duration: committer histogram p50 %,d ms, p99 %,d ms (%d"
                                + " commits); checkpoint complete -> last %s append answered p50"
                                + " %,d ms, p99 %,d ms (%d checkpoints); time between commits p50"
                                + " %,d ms",
                        r.histogramP50,
                        r.histogramP99,
                        r.histogramCommits,
                        COMMIT_LOG,
                        r.logP50,
                        r.logP99,
                        r.logCommits,
                        r.betweenCommitsP50));
        r.lines.add(
                String.format(
                        "  per checkpoint (%d committed): data loads %.2f, uploads published"
                                + " %.2f (upload sessions opened %.2f, batch requests %.2f), %s"
                                + " appends %.2f, all sink requests %.1f (refused loads over the"
                                + " run: %d)",
                        r.checkpoints,
                        r.dataLoadsPerCheckpoint,
                        r.uploadsPerCheckpoint,
                        r.uploadRequestsPerCheckpoint,
                        r.batchUploadRequestsPerCheckpoint,
                        COMMIT_LOG,
                        r.commitLogAppendsPerCheckpoint,
                        r.requestsPerCheckpoint,
                        r.refusedLoads));
        StringBuilder files = new StringBuilder();
        for (Map.Entry<String, Double> e : r.filesPerHour.entrySet()) {
            files.append(files.length() == 0 ? "" : ", ")
                    .append(String.format("%s %,.0f", e.getKey(), e.getValue()));
        }
        r.lines.add("  files added per table per hour: " + files);
        r.lines.add(
                String.format(
                        "  freshness (created_at -> send time of the first poll that saw the"
                                + " row): p50 %,d ms, p99 %,d ms over %,d rows (%d polls, a poll"
                                + " took p50 %d ms, %d failed)",
                        r.freshnessP50,
                        r.freshnessP99,
                        r.rowsVisible,
                        r.polls,
                        r.pollP50Millis,
                        r.failedPolls));
        return r;
    }

    /** The Markdown table of the matrix, for docs/performance.md. */
    private static List<String> table(List<Result> results, Settings settings) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add(
                String.format(
                        "| P | tables | rate target / achieved | commit p50 / p99 (histogram)"
                                + " | commit p50 / p99 (checkpoint → last append) | data loads"
                                + " / cp | uploads / cp | %s appends / cp | files / table / h"
                                + " | freshness p50 / p99 |",
                        COMMIT_LOG));
        lines.add("|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            double files = 0;
            for (double f : r.filesPerHour.values()) {
                files += f;
            }
            files /= Math.max(1, r.filesPerHour.size());
            lines.add(
                    String.format(
                            "| %d | %d | %,d / %,.0f | %s / %s | %s / %s | %.1f | %.1f | %.1f |"
                                    + " %,.0f | %s / %s |",
                            r.parallelism,
                            r.tables,
                            r.targetRate,
                            r.achievedRate,
                            seconds(r.histogramP50),
                            seconds(r.histogramP99),
                            seconds(r.logP50),
                            seconds(r.logP99),
                            r.dataLoadsPerCheckpoint,
                            r.uploadsPerCheckpoint,
                            r.commitLogAppendsPerCheckpoint,
                            files,
                            seconds(r.freshnessP50),
                            seconds(r.freshnessP99)));
        }
        lines.add(
                String.format(
                        "(checkpoint every %d ms, %d s a configuration, latency scale %s)",
                        settings.checkpointIntervalMillis,
                        settings.durationSeconds,
                        settings.latencyScale));
        return lines;
    }

    private static String seconds(long millis) {
        return millis < 0 ? "-" : String.format("%.1f s", millis / 1000.0);
    }

    // ---------------------------------------------------------------------------------------
    // the long run

    private LongRun longRun() throws Exception {
        int window = settings.longrunWindow;
        int target = settings.longrunCheckpoints;
        String label = "longrun_" + (++runs);
        String database = "commit_" + label;
        createDatabase(database);
        System.out.printf(
                "%n-- long run: %d checkpoints, every %d ms, P=%d, 1 table, %,d rows/s,"
                        + " loopback --%n",
                target,
                settings.longrunIntervalMillis,
                settings.longrunParallelism,
                settings.longrunRate);
        FreshRows.register(label, 1);
        int mark = server.requestLog().entries().size();
        long started = System.currentTimeMillis();
        JobClient job =
                start(
                        label,
                        database,
                        settings.longrunParallelism,
                        1,
                        settings.longrunRate,
                        settings.longrunIntervalMillis);
        NavigableMap<Long, Long> completed = CheckpointTimes.completed(label);
        long[] first = null;
        long deadline = started + Math.max(600_000, target * settings.longrunIntervalMillis * 20);
        long lastReport = started;
        while (completed.size() < target + 1 && System.currentTimeMillis() < deadline) {
            if (first == null) {
                // the first commits, before the histogram's window (1000) wraps
                Histogram h = commitHistogram(job.getJobID());
                if (h != null && h.getCount() >= window && h.getCount() < 900) {
                    first = chronological(h);
                }
            }
            JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("long run ended early: " + status);
            }
            if (System.currentTimeMillis() - lastReport > 60_000) {
                lastReport = System.currentTimeMillis();
                System.out.printf(
                        "  %d checkpoints completed after %.0f s%n",
                        completed.size(), (lastReport - started) / 1000.0);
            }
            Thread.sleep(100);
        }
        Histogram h = commitHistogram(job.getJobID());
        long[] last = h == null ? new long[0] : chronological(h);
        long commits = h == null ? 0 : h.getCount();
        cancel(job);
        double seconds = (System.currentTimeMillis() - started) / 1000.0;
        List<RequestLogEntry> log = server.requestLog().entries();
        log = log.subList(mark, log.size());
        FreshRows.forget(label);
        CheckpointTimes.forget(label);
        if (first == null) {
            first = last; // fewer than 900 commits: the window holds them all
        }

        LongRun lr = new LongRun();
        lr.checkpoints = (int) commits;
        lr.seconds = seconds;
        lr.window = window;
        long[] firstW = Arrays.copyOfRange(first, 0, Math.min(window, first.length));
        long[] lastW = Arrays.copyOfRange(last, Math.max(0, last.length - window), last.length);
        lr.firstP50 = median(firstW);
        lr.firstMean = mean(firstW);
        lr.lastP50 = median(lastW);
        lr.lastMean = mean(lastW);

        // requests per commit: the log cut after each commit-log append
        List<Map<String, Long>> segments = new ArrayList<>();
        Map<String, Long> current = new TreeMap<>();
        for (RequestLogEntry e : log) {
            String kind = kind(e);
            current.merge(kind, 1L, Long::sum);
            if (ok(e) && kind.equals("load commit log")) {
                segments.add(current);
                current = new TreeMap<>();
            }
        }
        List<Map<String, Long>> firstS = segments.subList(0, Math.min(window, segments.size()));
        List<Map<String, Long>> lastS =
                segments.subList(Math.max(0, segments.size() - window), segments.size());
        lr.firstRequests = meanRequests(firstS, lr.firstByKind);
        lr.lastRequests = meanRequests(lastS, lr.lastByKind);
        lr.firstRequestsP50 = medianRequests(firstS);
        lr.lastRequestsP50 = medianRequests(lastS);

        lr.lines.add(
                String.format(
                        "long run: %,d commits (committer histogram) in %.0f s, a checkpoint every"
                                + " %d ms, P=%d, 1 table, %,d rows/s, loopback (latency NONE)",
                        commits,
                        seconds,
                        settings.longrunIntervalMillis,
                        settings.longrunParallelism,
                        settings.longrunRate));
        lr.lines.add(
                String.format(
                        "  commit duration, first %d: p50 %.1f ms, mean %.1f ms; last %d: p50 %.1f"
                                + " ms, mean %.1f ms; last / first: p50 %.2f, mean %.2f",
                        firstW.length,
                        lr.firstP50,
                        lr.firstMean,
                        lastW.length,
                        lr.lastP50,
                        lr.lastMean,
                        lr.lastP50 / lr.firstP50,
                        lr.lastMean / lr.firstMean));
        lr.lines.add(
                String.format(
                        "  requests per commit (request log cut at each %s append, %d commits):"
                                + " first %d mean %.2f (p50 %.0f) %s; last %d mean %.2f (p50 %.0f)"
                                + " %s; last / first mean %.2f",
                        COMMIT_LOG,
                        segments.size(),
                        firstS.size(),
                        lr.firstRequests,
                        lr.firstRequestsP50,
                        kinds(lr.firstByKind),
                        lastS.size(),
                        lr.lastRequests,
                        lr.lastRequestsP50,
                        kinds(lr.lastByKind),
                        lr.lastRequests / lr.firstRequests));
        for (String line : lr.lines) {
            System.out.println(line);
        }
        return lr;
    }

    private Histogram commitHistogram(JobID jobId) {
        Histogram best = null;
        for (Metric metric : metrics.findMetrics(jobId, "hotdataCommitDurationMs").values()) {
            Histogram h = (Histogram) metric;
            if (best == null || h.getCount() > best.getCount()) {
                best = h;
            }
        }
        return best == null || best.getCount() == 0 ? null : best;
    }

    /**
     * The histogram's values oldest first: its window is a ring, its snapshot the ring's array, so
     * once it wrapped the oldest value sits at {@code count % size}.
     */
    static long[] chronological(Histogram h) {
        long count = h.getCount();
        long[] values = h.getStatistics().getValues();
        if (count <= values.length || values.length == 0) {
            return values;
        }
        int start = (int) (count % values.length);
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[(start + i) % values.length];
        }
        return out;
    }

    private static double meanRequests(List<Map<String, Long>> segments, Map<String, Double> by) {
        double total = 0;
        for (Map<String, Long> s : segments) {
            for (Map.Entry<String, Long> e : s.entrySet()) {
                total += e.getValue();
                by.merge(e.getKey(), (double) e.getValue() / segments.size(), Double::sum);
            }
        }
        return segments.isEmpty() ? Double.NaN : total / segments.size();
    }

    private static double medianRequests(List<Map<String, Long>> segments) {
        long[] n = new long[segments.size()];
        for (int i = 0; i < n.length; i++) {
            for (long v : segments.get(i).values()) {
                n[i] += v;
            }
        }
        return median(n);
    }

    private static String kinds(Map<String, Double> by) {
        StringBuilder b = new StringBuilder("(");
        for (Map.Entry<String, Double> e : by.entrySet()) {
            b.append(b.length() == 1 ? "" : ", ")
                    .append(String.format("%s %.2f", e.getKey(), e.getValue()));
        }
        return b.append(")").toString();
    }

    // ---------------------------------------------------------------------------------------

    private static double median(long[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static double mean(long[] values) {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).average().getAsDouble();
    }

    /** Nearest-rank quantile; -1 when there are no values. */
    static long quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Nearest-rank quantile of {value, weight} pairs sorted by value; -1 when empty. */
    static long weightedQuantile(List<long[]> sorted, double q) {
        long total = 0;
        for (long[] s : sorted) {
            total += s[1];
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (long[] s : sorted) {
            seen += s[1];
            if (seen >= rank) {
                return s[0];
            }
        }
        return sorted.get(sorted.size() - 1)[0];
    }
}
