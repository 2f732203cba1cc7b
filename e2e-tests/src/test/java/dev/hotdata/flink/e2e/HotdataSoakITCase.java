package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.fault.FaultInjector;
import dev.hotdata.local.fault.FaultRule;
import dev.hotdata.local.fault.LockHold;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A randomized soak of the sink. Each run takes, from its seed, a write mode (append, upsert,
 * insert-only) and a server reading (upload re-use REPLAY or CONFLICT × failed loads consuming
 * their upload or not) — the pair is {@code seed mod 12}, so any 12 consecutive seeds run every
 * pair once — and draws events fitting the mode, a job shape (parallelism, checkpoint interval,
 * file and buffer sizes) and two to four faults from the failure matrix. It then checks the table
 * against the end state computed from the events by the mode's oracle ({@link SoakEvents}): no
 * duplicate, no lost or stale row, no resurrected or unknown row, one commit-log row per published
 * checkpoint; and that every drawn fault fired.
 *
 * <p>CI runs a few fixed seeds (including every seed that ever failed) and a run against a
 * deliberately broken server that proves the duplicate detector. The full soak runs with {@code
 * -Psoak} ({@code -Dhotdata.soak.seeds=N}, first seed {@code -Dhotdata.soak.first-seed}) and prints
 * one line per run and a summary, also written to {@code target/soak/summary.txt}.
 */
class HotdataSoakITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    private static final String TABLE = "events";

    /** Loads into the table and, in insert-only mode, into the run's stage table. */
    private static final String DATA_LOADS =
            ".*/tables/(" + TABLE + "|_flink_stage_[0-9a-f]+_[0-9a-f]+)/loads";

    private static final String LOG_LOADS = ".*/tables/_flink_commits/loads";
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(4);

    /** Rows per query when the check reads the table (below the 10 000-row answer limit). */
    private static final int CHECK_PAGE = 5_000;

    /** How long a run's source slows down at its end waiting for drawn faults to fire. */
    private static final Duration FAULT_DEADLINE = Duration.ofSeconds(90);

    private static final HotdataWriteMode[] MODES = {
        HotdataWriteMode.APPEND, HotdataWriteMode.UPSERT, HotdataWriteMode.INSERT_ONLY
    };

    /** The faults a run draws from (and the broken server of the detector test). */
    enum Fault {
        TASK_FAILURE_WHILE_WRITING,
        TASK_FAILURE_AFTER_PREPARE_COMMIT,
        LOAD_APPLIED_RESPONSE_DROPPED,
        LOADS_THROTTLED_429,
        STORAGE_UNAVAILABLE_503,
        LOAD_REJECTED_400,
        COMMIT_LOG_REJECTED_400,
        LOCK_CONTENTION,
        SERVER_RESTART,
        /** Never drawn: the broken server of {@link #theSoakDetectsALoadAppliedTwice()}. */
        BROKEN_SERVER_REAPPLIES_CONSUMED_UPLOADS;

        static final List<Fault> DRAWN =
                Collections.unmodifiableList(
                        Arrays.asList(values()).subList(0, values().length - 1));
    }

    /** How big a run is. */
    enum Scale {
        CI(1_500, 1_000, 80, 120, 1_000),
        FULL(6_000, 6_000, 200, 400, 1_500);

        final long minEvents;
        final long extraEvents;
        final int minKeys;
        final int extraKeys;
        final long eventsPerSecond;

        Scale(long minEvents, long extraEvents, int minKeys, int extraKeys, long eventsPerSecond) {
            this.minEvents = minEvents;
            this.extraEvents = extraEvents;
            this.minKeys = minKeys;
            this.extraKeys = extraKeys;
            this.eventsPerSecond = eventsPerSecond;
        }
    }

    /** The server reading a run sets on the shared server (and resets after). */
    static final class Reading {
        final UploadReuse uploadReuse;
        final boolean failedLoadConsumesUpload;

        Reading(UploadReuse uploadReuse, boolean failedLoadConsumesUpload) {
            this.uploadReuse = uploadReuse;
            this.failedLoadConsumesUpload = failedLoadConsumesUpload;
        }

        @Override
        public String toString() {
            return uploadReuse.name().toLowerCase(Locale.ROOT)
                    + (failedLoadConsumesUpload ? "+failed-consumes" : "+failed-releases");
        }
    }

    /** Everything a run does, drawn from its seed before it starts. */
    static final class Plan {
        long seed;
        HotdataWriteMode mode;
        Reading reading;
        long events;
        int keys;
        int parallelism;
        long checkpointMillis;
        long rollingBytes;
        long smallFilesBytes;
        long bufferBytes;
        long eventsPerSecond;
        EnumSet<Fault> faults;
        int dropTimes;
        int throttleTimes;
        int storageTimes;
        long failWhileWritingAt = -1;
        long failAfterPrepareAt = -1;
        int lockAfterLoads;
        long lockMillis;
        int restartAfterLoads;
        int reapplyTimes;

        /** A run of the soak: the mode × reading pair from {@code seed mod 12}, the rest random. */
        static Plan draw(long seed, Scale scale) {
            Plan p = new Plan();
            p.seed = seed;
            int pair = (int) Math.floorMod(seed, 12L);
            p.mode = MODES[pair % 3];
            int reading = pair / 3;
            p.reading =
                    new Reading(
                            reading % 2 == 0 ? UploadReuse.REPLAY : UploadReuse.CONFLICT,
                            reading >= 2);
            // java.util.Random's first draws of nearby seeds are alike: scramble the seed first
            Random random = new Random(SoakEvents.hash(seed, -1));
            p.events = scale.minEvents + (long) (random.nextDouble() * scale.extraEvents);
            p.keys = scale.minKeys + random.nextInt(scale.extraKeys);
            p.parallelism = 1 + random.nextInt(3);
            p.checkpointMillis = 100 + random.nextInt(300);
            p.rollingBytes = 4_096L << random.nextInt(4);
            p.bufferBytes = random.nextBoolean() ? 64L * 1024 * 1024 : 8_192L << random.nextInt(4);
            p.eventsPerSecond = scale.eventsPerSecond;
            List<Fault> all = new ArrayList<>(Fault.DRAWN);
            Collections.shuffle(all, random);
            p.faults = EnumSet.copyOf(all.subList(0, 2 + random.nextInt(3)));
            p.dropTimes = 1 + random.nextInt(2);
            p.throttleTimes = 1 + random.nextInt(4);
            p.storageTimes = 2 + random.nextInt(5);
            long failWhileWriting = p.events / 5 + (long) (random.nextDouble() * p.events * 3 / 5);
            long failAfterPrepare = p.events / 5 + (long) (random.nextDouble() * p.events * 3 / 5);
            if (p.faults.contains(Fault.TASK_FAILURE_WHILE_WRITING)) {
                p.failWhileWritingAt = failWhileWriting;
            }
            if (p.faults.contains(Fault.TASK_FAILURE_AFTER_PREPARE_COMMIT)) {
                p.failAfterPrepareAt = failAfterPrepare;
            }
            p.lockAfterLoads = 1 + random.nextInt(4);
            p.lockMillis = 500 + random.nextInt(2_000);
            p.restartAfterLoads = 1 + random.nextInt(6);
            // drawn last, so the draws above stay what they were for every seed: half the runs
            // merge small files in the aggregator, half of those with files that never roll
            p.smallFilesBytes = random.nextBoolean() ? 4L * 1024 * 1024 : 0;
            if (p.smallFilesBytes > 0 && random.nextBoolean()) {
                p.rollingBytes = 1L << 20;
            }
            return p;
        }

        String shape() {
            return String.format(
                    Locale.ROOT,
                    "mode=%s reading=%s events=%d keys=%d parallelism=%d checkpoint=%dms"
                            + " rolling=%d small-files=%d",
                    mode,
                    reading,
                    events,
                    keys,
                    parallelism,
                    checkpointMillis,
                    rollingBytes,
                    smallFilesBytes);
        }
    }

    private String webInterface;

    @BeforeEach
    void setUp(@InjectClusterClient ClusterClient<?> cluster) {
        webInterface = cluster.getWebInterfaceURL();
    }

    @AfterEach
    void tearDown() {
        SoakGate.disarm();
    }

    /**
     * Fixed seeds for CI, chosen so that together they run the three write modes, all four server
     * readings and every fault kind: 2290 upsert / conflict + failed-consumes, 1328 insert-only /
     * replay + failed-consumes, 411 append / conflict + failed-releases, 2701 upsert / replay +
     * failed-releases. A seed that ever fails the full soak is added here.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2_290, 1_328, 411, 2_701})
    void soakRun(long seed) throws Exception {
        RunResult result = run(Plan.draw(seed, Scale.CI));
        System.out.println(result.line());
        result.assertExact();
    }

    /**
     * Seeds that failed the full soak because of the connector, kept as regressions. Seed 1007
     * (insert-only, upload re-use CONFLICT, failed load consumes): a 400 answered before the claim
     * is logged as a {@code failed} row; the re-commit loads the upload (consumed), the result
     * append meets the held lock, and the retried commit's re-send of the upload gets 409 CONFLICT,
     * which the loader, seeing the {@code failed} row, called "consumed by a refused load": the job
     * failed on every restart. The loader now knows the uploads it loaded itself.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1_007})
    void fullSoakSeedsThatOnceFailed(long seed) throws Exception {
        RunResult result = run(Plan.draw(seed, Scale.FULL));
        System.out.println(result.line());
        result.assertExact();
    }

    /**
     * Proves the soak's duplicate check: a deliberately broken server applies a re-sent, already
     * consumed upload again, and a dropped load answer makes the committer re-send one. The check
     * must report the duplicated rows.
     */
    @Test
    void theSoakDetectsALoadAppliedTwice() throws Exception {
        Plan plan = Plan.draw(12, Scale.CI); // 12 mod 12 = 0: append, REPLAY, failed releases
        assertThat(plan.mode).isEqualTo(HotdataWriteMode.APPEND);
        plan.faults =
                EnumSet.of(
                        Fault.LOAD_APPLIED_RESPONSE_DROPPED,
                        Fault.BROKEN_SERVER_REAPPLIES_CONSUMED_UPLOADS);
        plan.dropTimes = 1;
        plan.reapplyTimes = 1;
        plan.failWhileWritingAt = -1;
        plan.failAfterPrepareAt = -1;
        RunResult result = run(plan);
        System.out.println(result.line());
        assertThat(result.hits.get(Fault.BROKEN_SERVER_REAPPLIES_CONSUMED_UPLOADS))
                .as("loads the broken server applied again")
                .isPositive();
        assertThat(result.reappliedLoads).as("the server's count of re-applied loads").isPositive();
        assertThat(result.jobError).as("the job's failure").isNull();
        assertThat(result.duplicates).as("duplicates the soak's check reports").isPositive();
        assertThat(result.rows).isGreaterThan(result.expectedRows);
        assertThat(result.isExact()).isFalse();
    }

    @Test
    void fullSoak() throws Exception {
        String seeds = System.getProperty("hotdata.soak.seeds", "");
        assumeTrue(!seeds.trim().isEmpty(), "the full soak runs with -Psoak");
        int runs = Integer.parseInt(seeds.trim());
        long first = Long.parseLong(System.getProperty("hotdata.soak.first-seed", "1000").trim());
        List<RunResult> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            RunResult result = run(Plan.draw(first + i, Scale.FULL));
            System.out.println(result.line());
            results.add(result);
        }
        String summary = summary(results, Duration.ofNanos(System.nanoTime() - start));
        System.out.println(summary);
        Path out = Paths.get(System.getProperty("basedir", "."), "target", "soak");
        Files.createDirectories(out);
        StringBuilder file = new StringBuilder();
        for (RunResult r : results) {
            file.append(r.line()).append('\n');
        }
        file.append(summary).append('\n');
        Files.write(out.resolve("summary.txt"), file.toString().getBytes(StandardCharsets.UTF_8));
        for (RunResult r : results) {
            r.assertExact();
        }
    }

    // ------------------------------------------------------------------ one run

    private RunResult run(Plan plan) throws Exception {
        long seed = plan.seed;
        EnumSet<Fault> faults = plan.faults;
        String database =
                "soak_"
                        + seed
                        + (faults.contains(Fault.BROKEN_SERVER_REAPPLIES_CONSUMED_UPLOADS)
                                ? "_broken"
                                : "");
        FaultInjector injector = E2E.server().faults();
        E2E.server()
                .readings()
                .uploadReuse(plan.reading.uploadReuse)
                .failedLoadConsumesUpload(plan.reading.failedLoadConsumesUpload);

        // request faults arm now; they fire when a matching request comes
        Map<Fault, FaultRule> rules = new EnumMap<>(Fault.class);
        if (faults.contains(Fault.LOAD_APPLIED_RESPONSE_DROPPED)) {
            rules.put(
                    Fault.LOAD_APPLIED_RESPONSE_DROPPED,
                    injector.dropAfterApply(plan.dropTimes, "POST", DATA_LOADS));
        }
        if (faults.contains(Fault.LOADS_THROTTLED_429)) {
            rules.put(
                    Fault.LOADS_THROTTLED_429,
                    injector.failNext(
                            plan.throttleTimes, "POST", DATA_LOADS, 429, 1, "OVERLOADED"));
        }
        if (faults.contains(Fault.STORAGE_UNAVAILABLE_503)) {
            rules.put(
                    Fault.STORAGE_UNAVAILABLE_503,
                    injector.failNext(
                            plan.storageTimes,
                            "PUT",
                            "/_storage/.*",
                            503,
                            null,
                            "SERVICE_UNAVAILABLE"));
        }
        if (faults.contains(Fault.LOAD_REJECTED_400)) {
            // answered by the fault before the load claims the upload: not consumed in any reading
            rules.put(
                    Fault.LOAD_REJECTED_400,
                    injector.failNext(1, "POST", DATA_LOADS, 400, null, "SOAK_REJECTED"));
        }
        if (faults.contains(Fault.COMMIT_LOG_REJECTED_400)) {
            rules.put(
                    Fault.COMMIT_LOG_REJECTED_400,
                    injector.failNext(1, "POST", LOG_LOADS, 400, null, "SOAK_REJECTED"));
        }
        if (faults.contains(Fault.BROKEN_SERVER_REAPPLIES_CONSUMED_UPLOADS)) {
            rules.put(
                    Fault.BROKEN_SERVER_REAPPLIES_CONSUMED_UPLOADS,
                    injector.reapplyConsumedUploads(plan.reapplyTimes));
        }
        SoakFailures.reset();
        int logStart = E2E.server().requestLog().entries().size();
        SoakSink.reset(E2E.server(), logStart);

        AtomicBoolean lockFired = new AtomicBoolean();
        AtomicBoolean restartFired = new AtomicBoolean();
        Map<Fault, BooleanSupplier> fired = new EnumMap<>(Fault.class);
        for (Fault f : faults) {
            switch (f) {
                case TASK_FAILURE_WHILE_WRITING:
                    fired.put(f, SoakFailures.FAILED_WHILE_WRITING::get);
                    break;
                case TASK_FAILURE_AFTER_PREPARE_COMMIT:
                    fired.put(f, SoakSink.FAILED_AFTER_PREPARE::get);
                    break;
                case LOCK_CONTENTION:
                    fired.put(f, lockFired::get);
                    break;
                case SERVER_RESTART:
                    fired.put(f, restartFired::get);
                    break;
                default:
                    FaultRule rule = rules.get(f);
                    fired.put(f, () -> rule.hits() > 0);
            }
        }
        // the source slows down near its end until every drawn fault fired
        SoakGate.arm(
                plan.events * 4 / 5,
                () -> fired.values().stream().allMatch(BooleanSupplier::getAsBoolean),
                FAULT_DEADLINE.toNanos());

        long started = System.nanoTime();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(restarts());
        env.setParallelism(plan.parallelism);
        env.enableCheckpointing(plan.checkpointMillis);
        HotdataWriteMode mode = plan.mode;
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index,
                                plan.events,
                                new SoakGate<>(plan.eventsPerSecond, 40),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "events")
                // one source subtask: the changes of a key reach its writer in order
                .setParallelism(1)
                .keyBy(SoakEvents.keySelector(seed, plan.keys))
                .map(new SoakFailures(plan.failWhileWritingAt))
                .sinkTo(
                        new SoakSink<>(
                                E2E.hotdata()
                                        .sink(database, TABLE)
                                        .setRowConverter(
                                                TestRows.ROW_TYPE,
                                                SoakEvents.converter(mode, seed, plan.keys))
                                        .setKeyColumns("id")
                                        .setWriteMode(mode)
                                        .setMaxRetries(3)
                                        .setRetryBackoff(Duration.ofMillis(100))
                                        .setRollingMaxBytes(plan.rollingBytes)
                                        .setSmallFilesMaxBytes(plan.smallFilesBytes)
                                        .setBufferFlushMaxBytes(plan.bufferBytes)
                                        .build(),
                                plan.failAfterPrepareAt));
        JobClient job = env.executeAsync("soak " + seed);

        // timed faults: after the job published a few loads, from a thread of their own
        AtomicBoolean done = new AtomicBoolean();
        Thread timed =
                new Thread(
                        () -> {
                            try {
                                if (faults.contains(Fault.LOCK_CONTENTION)
                                        && awaitLoads(logStart, plan.lockAfterLoads, done)) {
                                    String dbId = E2E.hotdata().databaseId(database);
                                    LockHold hold =
                                            injector.holdLock(
                                                    dbId, Duration.ofMillis(plan.lockMillis));
                                    lockFired.set(hold != null);
                                }
                                if (faults.contains(Fault.SERVER_RESTART)
                                        && awaitLoads(logStart, plan.restartAfterLoads, done)) {
                                    E2E.server().restart();
                                    restartFired.set(true);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "soak-timed-faults-" + seed);
        timed.setDaemon(true);
        timed.start();

        String jobError = null;
        try {
            job.getJobExecutionResult().get(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            jobError = ReliabilityChecks.describe(e.getCause());
        } catch (TimeoutException e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            jobError = "did not finish within " + RUN_DEADLINE;
        } finally {
            done.set(true);
            timed.join(TimeUnit.MINUTES.toMillis(1));
            SoakGate.disarm();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        RunResult result = new RunResult(plan, took);
        for (Fault f : faults) {
            result.fired.put(f, fired.get(f).getAsBoolean());
            FaultRule rule = rules.get(f);
            result.hits.put(f, rule != null ? rule.hits() : fired.get(f).getAsBoolean() ? 1 : 0);
        }
        result.reappliedLoads = injector.reappliedLoads();
        if (faults.contains(Fault.TASK_FAILURE_AFTER_PREPARE_COMMIT)
                && SoakSink.FAILED_AFTER_PREPARE.get()) {
            result.prepareWindow =
                    String.format(
                            Locale.ROOT,
                            "%d/%d/%d small=%d",
                            SoakSink.UPLOADS_AT_FAILURE.get(),
                            SoakSink.FINALIZED_AT_FAILURE.get(),
                            SoakSink.LOADED_AT_FAILURE.get(),
                            SoakSink.SMALL_FILES_AT_FAILURE.get());
            result.prepareWindowHit =
                    SoakSink.FINALIZED_AT_FAILURE.get() > SoakSink.LOADED_AT_FAILURE.get()
                            || SoakSink.SMALL_FILES_AT_FAILURE.get() > 0;
        }
        injector.clear();
        E2E.server().readings().reset();
        result.jobError = jobError;
        result.failovers = failovers(job);
        if (jobError == null) {
            check(result, database, SoakEvents.expected(mode, seed, plan.keys, plan.events));
        }
        return result;
    }

    /** Waits until {@code loads} data loads succeeded since the run began, or the job ended. */
    private boolean awaitLoads(int logStart, int loads, AtomicBoolean done) {
        BooleanSupplier reached =
                () -> {
                    int size = E2E.server().requestLog().entries().size();
                    return E2E
                                    .server()
                                    .requestLog()
                                    .entries()
                                    .subList(Math.min(logStart, size), size)
                                    .stream()
                                    .filter(r -> r.method().equals("POST"))
                                    .filter(r -> r.path().matches(DATA_LOADS))
                                    .filter(r -> r.status() == 200 || r.status() == 202)
                                    .count()
                            >= loads;
                };
        long deadline = System.nanoTime() + RUN_DEADLINE.toNanos();
        while (!done.get() && System.nanoTime() < deadline) {
            if (reached.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return false;
    }

    /**
     * Compares the table with the mode's expected end state; counts every kind of difference. A row
     * whose id is not expected is "resurrected" (a deleted key back in upsert; an id never written
     * or a key deleted otherwise).
     */
    private void check(RunResult result, String database, Map<Long, String> expected)
            throws Exception {
        HotdataClient client = E2E.hotdata().client();
        String dbId = E2E.hotdata().databaseId(database);
        // a query answers at most 10 000 rows (hotdata-local's preview, as Hotdata's): page
        List<List<Object>> rows = new ArrayList<>();
        for (long offset = 0; ; offset += CHECK_PAGE) {
            List<List<Object>> page =
                    client.query(
                                    dbId,
                                    "SELECT id, name FROM public."
                                            + TABLE
                                            + " ORDER BY id, name LIMIT "
                                            + CHECK_PAGE
                                            + " OFFSET "
                                            + offset)
                            .rows();
            rows.addAll(page);
            if (page.size() < CHECK_PAGE) {
                break;
            }
        }
        long[] counted =
                ReliabilityChecks.aggregate(client, dbId, "SELECT count(*) FROM public." + TABLE);
        assertThat(rows)
                .as("seed %d: rows read page by page", result.plan.seed)
                .hasSize((int) counted[0]);
        Map<Long, String> actual = new HashMap<>();
        for (List<Object> row : rows) {
            long id = Long.parseLong(String.valueOf(row.get(0)));
            if (actual.put(id, String.valueOf(row.get(1))) != null) {
                result.duplicates++;
            }
        }
        for (Map.Entry<Long, String> e : expected.entrySet()) {
            String got = actual.get(e.getKey());
            if (got == null) {
                result.lost++;
            } else if (!got.equals(e.getValue())) {
                result.stale++;
            }
        }
        for (Long id : actual.keySet()) {
            if (!expected.containsKey(id)) {
                result.resurrected++;
            }
        }
        result.expectedRows = expected.size();
        result.rows = rows.size();
        // rows of mode 'failed' record a refused load (LOAD_REJECTED_400), not a publication
        long[] log =
                ReliabilityChecks.aggregate(
                        client,
                        dbId,
                        "SELECT count(*), count(DISTINCT checkpoint_id)"
                                + " FROM public._flink_commits WHERE mode <> 'failed'"
                                + " OR mode IS NULL");
        result.commitLogDuplicates = log[0] - log[1];
        result.commitLogFailedRows =
                ReliabilityChecks.aggregate(
                        client,
                        dbId,
                        "SELECT count(*) FROM public._flink_commits WHERE mode = 'failed'")[0];
    }

    private int failovers(JobClient job) {
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            webInterface
                                                                    + "/jobs/"
                                                                    + job.getJobID()
                                                                    + "/exceptions"))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper()
                    .readTree(response.body())
                    .path("exceptionHistory")
                    .path("entries")
                    .size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Configuration restarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return conf;
    }

    private static String summary(List<RunResult> results, Duration took) {
        long events = 0;
        long rows = 0;
        long duplicates = 0;
        long lost = 0;
        long stale = 0;
        long resurrected = 0;
        long logDuplicates = 0;
        long faultsDrawn = 0;
        long faultsFired = 0;
        long failovers = 0;
        int failed = 0;
        Map<Fault, int[]> byKind = new EnumMap<>(Fault.class); // drawn, fired, hits
        Map<String, Integer> byPair = new TreeMap<>();
        List<Long> seeds = new ArrayList<>();
        for (RunResult r : results) {
            seeds.add(r.plan.seed);
            events += r.plan.events;
            rows += r.rows;
            duplicates += r.duplicates;
            lost += r.lost;
            stale += r.stale;
            resurrected += r.resurrected;
            logDuplicates += r.commitLogDuplicates;
            faultsDrawn += r.fired.size();
            failovers += Math.max(0, r.failovers);
            byPair.merge(r.plan.mode + "/" + r.plan.reading, 1, Integer::sum);
            for (Map.Entry<Fault, Boolean> e : r.fired.entrySet()) {
                int[] k = byKind.computeIfAbsent(e.getKey(), x -> new int[3]);
                k[0]++;
                if (e.getValue()) {
                    faultsFired++;
                    k[1]++;
                }
                k[2] += r.hits.getOrDefault(e.getKey(), 0);
            }
            if (!r.isExact()) {
                failed++;
            }
        }
        StringBuilder kinds = new StringBuilder();
        for (Map.Entry<Fault, int[]> e : byKind.entrySet()) {
            kinds.append(kinds.length() == 0 ? "" : ", ")
                    .append(e.getKey().name().toLowerCase(Locale.ROOT))
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    " drawn=%d fired=%d hits=%d",
                                    e.getValue()[0],
                                    e.getValue()[1],
                                    e.getValue()[2]));
        }
        return String.format(
                Locale.ROOT,
                "SOAK SUMMARY runs=%d seeds=%s events=%d final-rows=%d faults-drawn=%d"
                        + " faults-fired=%d [%s] mode/reading=%s job-failovers=%d duplicates=%d"
                        + " lost=%d stale=%d resurrected=%d commit-log-duplicates=%d"
                        + " failed-runs=%d time=%ds",
                results.size(),
                seeds,
                events,
                rows,
                faultsDrawn,
                faultsFired,
                kinds,
                byPair,
                failovers,
                duplicates,
                lost,
                stale,
                resurrected,
                logDuplicates,
                failed,
                took.getSeconds());
    }

    /** What one run did and found. */
    static final class RunResult {
        final Plan plan;
        final Duration took;
        final Map<Fault, Boolean> fired = new EnumMap<>(Fault.class);
        final Map<Fault, Integer> hits = new EnumMap<>(Fault.class);
        int reappliedLoads;

        /** uploads / finalized / already loaded, when the failure after prepareCommit fired. */
        String prepareWindow;

        boolean prepareWindowHit = true;
        String jobError;
        int failovers;
        long expectedRows;
        long rows;
        long duplicates;
        long lost;
        long stale;
        long resurrected;
        long commitLogDuplicates;
        long commitLogFailedRows;

        RunResult(Plan plan, Duration took) {
            this.plan = plan;
            this.took = took;
        }

        List<Fault> notFired() {
            List<Fault> missing = new ArrayList<>();
            for (Map.Entry<Fault, Boolean> e : fired.entrySet()) {
                if (!e.getValue()) {
                    missing.add(e.getKey());
                }
            }
            return missing;
        }

        boolean isExact() {
            return jobError == null
                    && notFired().isEmpty()
                    && prepareWindowHit
                    && duplicates == 0
                    && lost == 0
                    && stale == 0
                    && resurrected == 0
                    && commitLogDuplicates == 0
                    && rows == expectedRows;
        }

        String line() {
            StringBuilder f = new StringBuilder();
            for (Map.Entry<Fault, Boolean> e : fired.entrySet()) {
                f.append(f.length() == 0 ? "" : ",")
                        .append(e.getValue() ? "+" : "-")
                        .append(e.getKey().name().toLowerCase(Locale.ROOT))
                        .append('x')
                        .append(hits.getOrDefault(e.getKey(), 0));
            }
            return String.format(
                    Locale.ROOT,
                    "SOAK seed=%d %s faults=[%s]%s failovers=%d expected-rows=%d rows=%d"
                            + " duplicates=%d lost=%d stale=%d resurrected=%d"
                            + " commit-log-duplicates=%d commit-log-failed-rows=%d"
                            + " time=%.1fs%s%s",
                    plan.seed,
                    plan.shape(),
                    f,
                    prepareWindow == null
                            ? ""
                            : " after-prepare(uploads/finalized/loaded)=" + prepareWindow,
                    failovers,
                    expectedRows,
                    rows,
                    duplicates,
                    lost,
                    stale,
                    resurrected,
                    commitLogDuplicates,
                    commitLogFailedRows,
                    took.toMillis() / 1000.0,
                    notFired().isEmpty() ? "" : " NOT FIRED: " + notFired(),
                    jobError == null ? "" : " JOB FAILED: " + jobError.replace('\n', ' '));
        }

        void assertExact() {
            long seed = plan.seed;
            assertThat(jobError).as("seed %d (%s): the job's failure", seed, plan.shape()).isNull();
            assertThat(notFired())
                    .as("seed %d (%s): drawn faults that did not fire", seed, plan.shape())
                    .isEmpty();
            assertThat(prepareWindowHit)
                    .as(
                            "seed %d: the failure after prepareCommit came after the uploads were"
                                    + " finalized and before they were loaded"
                                    + " (uploads/finalized/loaded = %s)",
                            seed, prepareWindow)
                    .isTrue();
            assertThat(duplicates).as("seed %d (%s): duplicate ids", seed, plan.shape()).isZero();
            assertThat(lost).as("seed %d (%s): lost rows", seed, plan.shape()).isZero();
            assertThat(stale)
                    .as("seed %d (%s): rows with a stale value", seed, plan.shape())
                    .isZero();
            assertThat(resurrected)
                    .as("seed %d (%s): deleted or unknown ids present", seed, plan.shape())
                    .isZero();
            assertThat(commitLogDuplicates)
                    .as("seed %d (%s): checkpoints logged twice", seed, plan.shape())
                    .isZero();
            assertThat(rows).as("seed %d (%s): rows", seed, plan.shape()).isEqualTo(expectedRows);
        }
    }
}
