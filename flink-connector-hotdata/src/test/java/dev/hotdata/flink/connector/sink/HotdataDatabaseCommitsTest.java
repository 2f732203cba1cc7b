package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClock;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.api.LockScope;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.fault.FaultRule;
import dev.hotdata.local.fault.RequestLogEntry;

import org.apache.flink.runtime.metrics.groups.InternalSinkCommitterMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Several sinks of one job into one database, their committers driven directly against an
 * in-process hotdata-local: a checkpoint's commits share one {@code _flink_commits} append, a
 * member's failure costs the others nothing, a member that does not come costs a bounded wait, and
 * a commit makes no request it does not need.
 */
class HotdataDatabaseCommitsTest {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private static final RowType ROW =
            RowType.of(
                    new LogicalType[] {new BigIntType(false), new BigIntType()},
                    new String[] {"id", "v"});

    private static final List<String> TABLES = Arrays.asList("a", "b", "c");
    private static final String LOG_LOADS = ".*/tables/_flink_commits/loads";

    /**
     * The client's retries: enough that loads meeting 409 RESOURCE_LOCKED while the group learns
     * the server's lock scope still land (20 ms doubling: up to ~1.3 s).
     */
    private static final int RETRIES = 6;

    /** Long enough never to end a test's gathering early; it ends when every member arrived. */
    private static final Duration PATIENT = Duration.ofSeconds(60);

    @TempDir Path dir;

    private String database;
    private HotdataClient client;
    private final List<HotdataCommitter> committers = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();

    /** The server's lock scope this class runs under (a subclass runs under the other). */
    LockScope lockScope() {
        return LockScope.DATABASE;
    }

    @BeforeEach
    void setUp() {
        HOTDATA.server().readings().lockScope(lockScope());
        database = "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        client = new HotdataClient(config("a", HotdataWriteMode.APPEND).clientConfig());
    }

    @AfterEach
    void tearDown() {
        HOTDATA.server().faults().clear();
        HOTDATA.server().readings().reset();
        threads.forEach(ExecutorService::shutdownNow);
        committers.forEach(HotdataCommitter::close);
        client.close();
    }

    private HotdataSinkConfig config(String table, HotdataWriteMode mode) {
        HotdataSinkBuilder<RowData> builder =
                HotdataSink.<RowData>builder()
                        .setEndpoint(HOTDATA.endpoint())
                        .setApiKey(HOTDATA.apiKey())
                        .setWorkspaceId(HOTDATA.workspaceId())
                        .setDatabase(database)
                        .setTable(table)
                        .setRowType(ROW)
                        .setWriteMode(mode)
                        .setSinkId("sink-" + table)
                        .setMaxRetries(RETRIES)
                        .setRetryBackoff(Duration.ofMillis(20));
        if (mode == HotdataWriteMode.UPSERT) {
            builder.setKeyColumns("id");
        }
        return HotdataSinkConfigs.of(builder);
    }

    private HotdataCommitter committer(
            String table, String jobId, long restoredCheckpointId, Duration gatherWait) {
        HotdataSinkConfig config = config(table, HotdataWriteMode.APPEND);
        HotdataCommitter committer =
                new HotdataCommitter(
                        config,
                        new HotdataClient(config.clientConfig()),
                        jobId,
                        restoredCheckpointId,
                        InternalSinkCommitterMetricGroup.wrap(
                                UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup()),
                        Clock.systemUTC(),
                        HotdataClock.system(),
                        HotdataCommitter.DATABASE_LOCK_WAIT,
                        gatherWait);
        committers.add(committer);
        return committer;
    }

    /** One committer per table of {@link #TABLES}, all of job {@code jobId}. */
    private List<HotdataCommitter> sinks(String jobId, long restored, Duration gatherWait) {
        List<HotdataCommitter> sinks = new ArrayList<>();
        for (String table : TABLES) {
            sinks.add(committer(table, jobId, restored, gatherWait));
        }
        return sinks;
    }

    /** An upload of rows (id, id) for ids from..to. */
    private HotdataUploadedFile upload(long from, long to) throws Exception {
        Path file = dir.resolve(UUID.randomUUID() + ".parquet");
        HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(ROW, ParquetWriterOptions.builder().build())
                        .create(file);
        for (long id = from; id <= to; id++) {
            writer.write(GenericRowData.of(id, id));
        }
        writer.finish();
        FinalizedUpload upload = client.uploadFile(file, HotdataParquetFileWriter.CONTENT_TYPE);
        return new HotdataUploadedFile(
                upload.uploadId(),
                HotdataUploadedFile.Kind.ROWS,
                (int) (to - from + 1),
                writer.fileSizeBytes());
    }

    /** The committable of {@code table}'s sink for a checkpoint: ids 10*cp .. 10*cp+1. */
    private HotdataCommittable committable(String table, long checkpoint) throws Exception {
        return new HotdataCommittable(
                "sink-" + table,
                "run",
                checkpoint,
                Collections.singletonList(upload(10 * checkpoint, 10 * checkpoint + 1)),
                false);
    }

    private static TestCommitRequest commit(HotdataCommitter committer, HotdataCommittable c)
            throws Exception {
        TestCommitRequest request = new TestCommitRequest(c);
        committer.commit(Collections.singletonList(request));
        return request;
    }

    /** Commits each committable on its own thread, all released at once; the requests. */
    private List<TestCommitRequest> commitConcurrently(
            List<HotdataCommitter> sinks, List<HotdataCommittable> committables) throws Exception {
        // fresh threads: a member whose last commit ran on the leader's thread is not waited for
        // (in Flink, distinct tasks never share a thread; a reused pool thread would)
        ExecutorService threads = Executors.newFixedThreadPool(sinks.size());
        this.threads.add(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<TestCommitRequest>> futures = new ArrayList<>();
        for (int i = 0; i < sinks.size(); i++) {
            HotdataCommitter committer = sinks.get(i);
            HotdataCommittable c = committables.get(i);
            futures.add(
                    threads.submit(
                            () -> {
                                start.await();
                                return commit(committer, c);
                            }));
        }
        start.countDown();
        List<TestCommitRequest> requests = new ArrayList<>();
        for (Future<TestCommitRequest> f : futures) {
            requests.add(f.get(60, TimeUnit.SECONDS));
        }
        return requests;
    }

    /** Every sink commits checkpoint 1 on its own: the committers resolve and join the group. */
    private void firstCheckpointOneByOne(List<HotdataCommitter> sinks) throws Exception {
        for (int i = 0; i < sinks.size(); i++) {
            assertThat(commit(sinks.get(i), committable(TABLES.get(i), 1)).succeeded()).isTrue();
        }
    }

    private List<HotdataCommittable> checkpoint(long checkpoint) throws Exception {
        List<HotdataCommittable> committables = new ArrayList<>();
        for (String table : TABLES) {
            committables.add(committable(table, checkpoint));
        }
        return committables;
    }

    private String databaseId() throws Exception {
        for (DatabaseSummary db : client.listAllDatabases(database)) {
            if (database.equals(db.name())) {
                return db.id();
            }
        }
        throw new AssertionError("no database " + database);
    }

    /** The log's rows of a checkpoint that record a publish: table → rows with it. */
    private Map<String, Long> publishedRows(long checkpoint) throws Exception {
        QueryResponse response =
                client.query(
                        databaseId(),
                        "SELECT table_name, count(*) FROM public._flink_commits WHERE checkpoint_id"
                                + " = "
                                + checkpoint
                                + " AND mode <> 'failed' GROUP BY table_name");
        Map<String, Long> rows = new TreeMap<>();
        for (List<Object> row : response.rows()) {
            rows.put(String.valueOf(row.get(0)), Long.parseLong(String.valueOf(row.get(1))));
        }
        return rows;
    }

    private List<Long> ids(String table) throws Exception {
        return client
                .query(databaseId(), "SELECT id FROM public." + table + " ORDER BY id")
                .rows()
                .stream()
                .map(r -> Long.parseLong(String.valueOf(r.get(0))))
                .collect(Collectors.toList());
    }

    /** ids 10*cp, 10*cp+1 for each checkpoint. */
    private static List<Long> idsOf(long... checkpoints) {
        List<Long> ids = new ArrayList<>();
        for (long cp : checkpoints) {
            ids.add(10 * cp);
            ids.add(10 * cp + 1);
        }
        return ids;
    }

    private static Map<String, Long> oneRowEach(String... tables) {
        Map<String, Long> rows = new TreeMap<>();
        for (String t : tables) {
            rows.put(t, 1L);
        }
        return rows;
    }

    /**
     * Log appends the server took (a rejected key costs a second request, which appends the rows
     * under a fresh key; see {@link HotdataCommitLog}).
     */
    private static long logAppends() {
        return HOTDATA.server().requestLog().matching("POST", LOG_LOADS).stream()
                .filter(r -> r.status() == 200)
                .count();
    }

    @Test
    void threeSinksOfOneDatabaseShareOneLogAppendPerCheckpoint() throws Exception {
        List<HotdataCommitter> sinks = sinks("job", -1, PATIENT);
        firstCheckpointOneByOne(sinks);

        for (long cp = 2; cp <= 3; cp++) {
            long appendsBefore = logAppends();
            List<TestCommitRequest> requests = commitConcurrently(sinks, checkpoint(cp));
            assertThat(requests).allMatch(TestCommitRequest::succeeded);
            assertThat(logAppends() - appendsBefore)
                    .as("log appends for checkpoint %s", cp)
                    .isEqualTo(1);
            assertThat(publishedRows(cp)).isEqualTo(oneRowEach("a", "b", "c"));
        }
        for (String table : TABLES) {
            assertThat(ids(table)).as(table).isEqualTo(idsOf(1, 2, 3));
        }
    }

    /**
     * A member whose load the server refuses fails with the loader's message and gets no row; the
     * others are published and logged in the batch's one append; its retry publishes it.
     */
    @Test
    void aRefusedMemberDoesNotCostTheOthersTheirRows() throws Exception {
        List<HotdataCommitter> sinks = sinks("job", -1, PATIENT);
        firstCheckpointOneByOne(sinks);
        List<HotdataCommittable> cp2 = checkpoint(2);
        long appendsBefore = logAppends();
        FaultRule refusal =
                HOTDATA.server()
                        .faults()
                        .failNext(1, "POST", ".*/tables/b/loads", 400, 0, "INVALID_PARQUET");

        List<TestCommitRequest> requests = commitConcurrently(sinks, cp2);

        assertThat(refusal.hits()).as("the refusal of b's load fired").isEqualTo(1);
        assertThat(requests.get(0).succeeded()).isTrue();
        assertThat(requests.get(2).succeeded()).isTrue();
        assertThat(requests.get(1).failure)
                .isNotNull()
                .hasMessageContaining("Hotdata refused to publish checkpoint 2")
                .hasMessageContaining("INVALID_PARQUET");
        assertThat(publishedRows(2))
                .as("b is not logged as published")
                .isEqualTo(oneRowEach("a", "c"));
        // one append of a's and c's rows, one recording b's refused load
        assertThat(logAppends() - appendsBefore).isEqualTo(2);
        assertThat(ids("a")).isEqualTo(idsOf(1, 2));
        assertThat(ids("b")).isEqualTo(idsOf(1));
        assertThat(ids("c")).isEqualTo(idsOf(1, 2));

        assertThat(commit(sinks.get(1), cp2.get(1)).succeeded()).isTrue();
        assertThat(ids("b")).isEqualTo(idsOf(1, 2));
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b", "c"));
    }

    /** A member whose load fails transiently is retried later; the others are logged. */
    @Test
    void aTransientlyFailingMemberRetriesAndTheOthersAreLogged() throws Exception {
        List<HotdataCommitter> sinks = sinks("job", -1, PATIENT);
        firstCheckpointOneByOne(sinks);
        List<HotdataCommittable> cp2 = checkpoint(2);
        // more than the client's retries: the commit sees the failure
        FaultRule unavailable =
                HOTDATA.server()
                        .faults()
                        .failNext(RETRIES + 1, "POST", ".*/tables/c/loads", 503, 0, null);

        List<TestCommitRequest> requests = commitConcurrently(sinks, cp2);

        assertThat(unavailable.hits()).as("the 503s of c's load fired").isEqualTo(RETRIES + 1);
        assertThat(requests.get(2).retryLater).isTrue();
        assertThat(requests.get(2).failure).isNull();
        assertThat(requests.get(0).succeeded()).isTrue();
        assertThat(requests.get(1).succeeded()).isTrue();
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b"));

        assertThat(commit(sinks.get(2), cp2.get(2)).succeeded()).isTrue();
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b", "c"));
        for (String table : TABLES) {
            assertThat(ids(table)).as(table).isEqualTo(idsOf(1, 2));
        }
    }

    /** A member that does not commit (a failed task, an idle table) costs a bounded wait. */
    @Test
    void aMemberThatDoesNotArriveDoesNotStallTheOthers() throws Exception {
        List<HotdataCommitter> sinks = sinks("job", -1, HotdataDatabaseCommits.GATHER_WAIT);
        firstCheckpointOneByOne(sinks);
        List<HotdataCommittable> cp2 = checkpoint(2);
        long appendsBefore = logAppends();

        List<TestCommitRequest> requests =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(30),
                        () -> commitConcurrently(sinks.subList(0, 2), cp2.subList(0, 2)));

        assertThat(requests).allMatch(TestCommitRequest::succeeded);
        assertThat(logAppends() - appendsBefore).isEqualTo(1);
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b"));

        // it comes late: a batch of its own
        assertThat(commit(sinks.get(2), cp2.get(2)).succeeded()).isTrue();
        assertThat(logAppends() - appendsBefore).isEqualTo(2);
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b", "c"));
    }

    /**
     * Sinks whose committers run on one thread (chained operators are notified one after the other)
     * cannot arrive together: the first must not wait for the others.
     */
    @Test
    void membersOnTheLeadersThreadAreNotWaitedFor() throws Exception {
        List<HotdataCommitter> sinks = sinks("job", -1, PATIENT);
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    // one thread for all of it, as a task thread would be
                    firstCheckpointOneByOne(sinks);
                    List<HotdataCommittable> cp2 = checkpoint(2);
                    for (int i = 0; i < sinks.size(); i++) {
                        assertThat(commit(sinks.get(i), cp2.get(i)).succeeded()).isTrue();
                    }
                });
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b", "c"));
    }

    /** Sinks of another job never share a batch: each logs on its own. */
    @Test
    void sinksOfAnotherJobDoNotGroup() throws Exception {
        HotdataCommitter one = committer("a", "job-1", -1, PATIENT);
        HotdataCommitter other = committer("b", "job-2", -1, PATIENT);
        assertThat(commit(one, committable("a", 1)).succeeded()).isTrue();
        assertThat(commit(other, committable("b", 1)).succeeded()).isTrue();
        long appendsBefore = logAppends();

        List<TestCommitRequest> requests =
                commitConcurrently(
                        Arrays.asList(one, other),
                        Arrays.asList(committable("a", 2), committable("b", 2)));

        assertThat(requests).allMatch(TestCommitRequest::succeeded);
        assertThat(logAppends() - appendsBefore).isEqualTo(2);
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b"));
    }

    /**
     * A checkpoint logged by one multi-row append proves each sink's committable on restore (no
     * load, no append); committed again without that proof (new committers, not restored), it
     * changes nothing under either reading of a re-sent upload.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(UploadReuse.class)
    void aGroupAppendProvesEachSinkOnRestore(UploadReuse reading) throws Exception {
        HOTDATA.server().readings().uploadReuse(reading);
        List<HotdataCommitter> sinks = sinks("job", -1, PATIENT);
        List<HotdataCommittable> cp1 = checkpoint(1);
        for (int i = 0; i < sinks.size(); i++) {
            assertThat(commit(sinks.get(i), cp1.get(i)).succeeded()).isTrue();
        }
        List<HotdataCommittable> cp2 = checkpoint(2);
        assertThat(commitConcurrently(sinks, cp2)).allMatch(TestCommitRequest::succeeded);
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b", "c"));

        int loadsBefore = HOTDATA.server().requestLog().count("POST", ".*/loads");
        assertThat(commitConcurrently(sinks("job-restored", 2, PATIENT), cp2))
                .allMatch(TestCommitRequest::succeeded);
        assertThat(HOTDATA.server().requestLog().count("POST", ".*/loads"))
                .as("loads and appends of a restore the log proves")
                .isEqualTo(loadsBefore);

        // committed again by new committers, which first commit checkpoint 1 again (to join)
        List<HotdataCommitter> again = sinks("job-again", -1, PATIENT);
        for (int i = 0; i < again.size(); i++) {
            assertThat(commit(again.get(i), cp1.get(i)).succeeded()).isTrue();
        }
        long appendsBefore = logAppends();
        int replayedBefore = HOTDATA.server().requestLog().countReplayed("POST", ".*/loads");
        assertThat(commitConcurrently(again, cp2)).allMatch(TestCommitRequest::succeeded);
        assertThat(HOTDATA.server().requestLog().countReplayed("POST", ".*/loads") - replayedBefore)
                .isEqualTo(reading == UploadReuse.REPLAY ? 3 : 0);
        assertThat(logAppends() - appendsBefore).isEqualTo(1);
        for (String table : TABLES) {
            assertThat(ids(table)).as(table).isEqualTo(idsOf(1, 2));
        }
    }

    /**
     * A steady-state commit makes only the requests it needs: per checkpoint one data load per
     * table and one log append for the database; no query, no listing, no lookup.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = HotdataWriteMode.class,
            names = {"APPEND", "UPSERT"})
    void aSteadyCommitMakesNoRequestItDoesNotNeed(HotdataWriteMode mode) throws Exception {
        List<HotdataCommitter> sinks = new ArrayList<>();
        for (String table : TABLES) {
            HotdataSinkConfig config = config(table, mode);
            HotdataCommitter committer =
                    new HotdataCommitter(
                            config,
                            new HotdataClient(config.clientConfig()),
                            "job",
                            -1,
                            InternalSinkCommitterMetricGroup.wrap(
                                    UnregisteredMetricGroups
                                            .createUnregisteredOperatorMetricGroup()),
                            Clock.systemUTC(),
                            HotdataClock.system(),
                            HotdataCommitter.DATABASE_LOCK_WAIT,
                            PATIENT);
            committers.add(committer);
            sinks.add(committer);
        }
        firstCheckpointOneByOne(sinks);
        assertThat(commitConcurrently(sinks, checkpoint(2))).allMatch(TestCommitRequest::succeeded);

        for (long cp = 3; cp <= 4; cp++) {
            List<HotdataCommittable> committables = checkpoint(cp); // uploads: before the mark
            int mark = HOTDATA.server().requestLog().entries().size();
            assertThat(commitConcurrently(sinks, committables))
                    .allMatch(TestCommitRequest::succeeded);
            // a load refused 409 RESOURCE_LOCKED (the group learning that the server locks the
            // database) is the client's retry, not a request the commit chose to make
            List<RequestLogEntry> made =
                    HOTDATA.server().requestLog().entries().stream()
                            .skip(mark)
                            .filter(r -> !"RESOURCE_LOCKED".equals(r.errorCode()))
                            .collect(Collectors.toList());
            List<String> described =
                    made.stream()
                            .map(r -> r.method() + " " + r.path())
                            .collect(Collectors.toList());
            assertThat(described)
                    .as("requests of checkpoint %s", cp)
                    .hasSize(4)
                    .allMatch(r -> r.startsWith("POST ") && r.endsWith("/loads"));
            assertThat(
                            described.stream()
                                    .filter(r -> r.matches(LOG_LOADS.replace(".*", "POST .*"))))
                    .hasSize(1);
        }
    }

    private static final String HELD_A = "/v1/databases/[^/]+/schemas/public/tables/a/loads";

    /** Data loads (not log appends) the server refused with 409 RESOURCE_LOCKED. */
    private static long lockedDataLoads(int mark) {
        return HOTDATA.server().requestLog().entries().stream()
                .skip(mark)
                .filter(r -> r.path().endsWith("/loads") && !r.path().matches(LOG_LOADS))
                .filter(r -> r.status() == 409 && "RESOURCE_LOCKED".equals(r.errorCode()))
                .count();
    }

    /** 200 data loads into {@code table} since {@code mark}. */
    private static long loadedInto(String table, int mark) {
        return HOTDATA.server().requestLog().entries().stream()
                .skip(mark)
                .filter(r -> r.path().endsWith("/tables/" + table + "/loads"))
                .filter(r -> r.status() == 200)
                .count();
    }

    /** Polls a server-side condition, bounded; false when it never held. */
    private static boolean eventually(java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    private boolean loadsInTurn(String jobId) throws Exception {
        return HotdataDatabaseCommits.loadsInTurn(
                client.config().endpoint(), client.config().workspaceId(), databaseId(), jobId);
    }

    /**
     * Under a per-table lock the members' loads run at once: with a's load held in its lock (until
     * released), b's and c's loads complete meanwhile; the batch still ends with one log append and
     * every row once.
     */
    @Test
    void underTableScopeTheMembersLoadsOverlap() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(lockScope() == LockScope.TABLE);
        List<HotdataCommitter> sinks = sinks("job", -1, PATIENT);
        firstCheckpointOneByOne(sinks);
        for (long cp = 2; cp <= 3; cp++) {
            List<HotdataCommittable> committables = checkpoint(cp);
            int mark = HOTDATA.server().requestLog().entries().size();
            long appendsBefore = logAppends();
            FaultRule held =
                    HOTDATA.server().faults().delayAfterClaim(1, HELD_A, Duration.ofMinutes(2));
            ExecutorService driver = Executors.newSingleThreadExecutor();
            threads.add(driver);
            Future<List<TestCommitRequest>> batch =
                    driver.submit(() -> commitConcurrently(sinks, committables));

            boolean overlapped =
                    eventually(
                            () ->
                                    held.hits() == 1
                                            && loadedInto("b", mark) == 1
                                            && loadedInto("c", mark) == 1);
            // evidence from the server: b and c loaded while a's load held its lock
            assertThat(overlapped).as("b and c loaded while a's load was held").isTrue();
            assertThat(loadedInto("a", mark)).isZero();
            assertThat(batch.isDone()).isFalse();
            held.release();

            List<TestCommitRequest> requests = batch.get(60, TimeUnit.SECONDS);
            assertThat(requests).allMatch(TestCommitRequest::succeeded);
            assertThat(lockedDataLoads(mark)).isZero();
            assertThat(logAppends() - appendsBefore).isEqualTo(1);
            assertThat(publishedRows(cp)).isEqualTo(oneRowEach("a", "b", "c"));
        }
        assertThat(loadsInTurn("job")).isFalse();
        for (String table : TABLES) {
            assertThat(ids(table)).as(table).isEqualTo(idsOf(1, 2, 3));
        }
    }

    /**
     * Under a per-database lock the first batch run at once meets 409 RESOURCE_LOCKED (the first
     * load held in the lock until another was refused); its loads still land, and the group runs
     * its loads one after the other from then on: later checkpoints meet no 409, even with every
     * load holding the lock a while.
     */
    @Test
    void underDatabaseScopeTheGroupLearnsToLoadInTurnAndStays() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(lockScope() == LockScope.DATABASE);
        List<HotdataCommitter> sinks = sinks("job", -1, PATIENT);
        firstCheckpointOneByOne(sinks);
        assertThat(loadsInTurn("job")).isFalse();

        List<HotdataCommittable> cp2 = checkpoint(2);
        int mark = HOTDATA.server().requestLog().entries().size();
        // whichever load takes the database's lock first holds it until released: the others,
        // run at once, are refused (then retried)
        FaultRule held =
                HOTDATA.server()
                        .faults()
                        .delayAfterClaim(
                                3,
                                "/v1/databases/[^/]+/schemas/public/tables/[abc]/loads",
                                Duration.ofMinutes(2));
        ExecutorService driver = Executors.newSingleThreadExecutor();
        threads.add(driver);
        Future<List<TestCommitRequest>> batch = driver.submit(() -> commitConcurrently(sinks, cp2));
        boolean refused = eventually(() -> held.hits() == 1 && lockedDataLoads(mark) > 0);
        held.release();
        List<TestCommitRequest> requests = batch.get(60, TimeUnit.SECONDS);
        assertThat(refused).as("a load of the batch was refused RESOURCE_LOCKED").isTrue();
        assertThat(requests).allMatch(TestCommitRequest::succeeded);
        assertThat(publishedRows(2)).isEqualTo(oneRowEach("a", "b", "c"));
        assertThat(loadsInTurn("job")).isTrue();

        for (long cp = 3; cp <= 4; cp++) {
            List<HotdataCommittable> committables = checkpoint(cp);
            int before = HOTDATA.server().requestLog().entries().size();
            long appendsBefore = logAppends();
            // every data load holds the lock a while: loads run at once would collide
            FaultRule slow =
                    HOTDATA.server()
                            .faults()
                            .delayAfterClaim(
                                    3,
                                    "/v1/databases/[^/]+/schemas/public/tables/[abc]/loads",
                                    Duration.ofMillis(200));
            assertThat(commitConcurrently(sinks, committables))
                    .allMatch(TestCommitRequest::succeeded);
            assertThat(slow.hits()).as("the slow loads fired").isEqualTo(3);
            assertThat(lockedDataLoads(before)).as("409s in checkpoint %s", cp).isZero();
            assertThat(logAppends() - appendsBefore).isEqualTo(1);
            assertThat(publishedRows(cp)).isEqualTo(oneRowEach("a", "b", "c"));
        }
        for (String table : TABLES) {
            assertThat(ids(table)).as(table).isEqualTo(idsOf(1, 2, 3, 4));
        }
    }
}
