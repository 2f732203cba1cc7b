package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClock;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.TableInfo;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.fault.FaultRule;

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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The committer driven directly, checkpoint by checkpoint, against an in-process hotdata-local:
 * what it publishes again, what it may skip, and what it refuses, for each write mode.
 */
class HotdataCommitterTest {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private static final RowType ROW =
            RowType.of(
                    new LogicalType[] {new BigIntType(false), new BigIntType()},
                    new String[] {"id", "v"});

    @TempDir Path dir;

    private String database;
    private HotdataClient client;
    private final List<HotdataCommitter> committers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        database = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        client = new HotdataClient(config(HotdataWriteMode.APPEND, "s").clientConfig());
    }

    @AfterEach
    void tearDown() {
        HOTDATA.server().faults().clear();
        HOTDATA.server().readings().reset();
        committers.forEach(HotdataCommitter::close);
        client.close();
    }

    private HotdataSinkConfig config(HotdataWriteMode mode, String sinkId) {
        return config(mode, sinkId, HotdataTableLayout.builder().build());
    }

    private HotdataSinkConfig config(
            HotdataWriteMode mode, String sinkId, HotdataTableLayout layout) {
        HotdataSinkBuilder<RowData> builder =
                HotdataSink.<RowData>builder()
                        .setEndpoint(HOTDATA.endpoint())
                        .setApiKey(HOTDATA.apiKey())
                        .setWorkspaceId(HOTDATA.workspaceId())
                        .setDatabase(database)
                        .setTable("t")
                        .setRowType(ROW)
                        .setWriteMode(mode)
                        .setSinkId(sinkId)
                        .setMaxRetries(3)
                        .setRetryBackoff(Duration.ofMillis(20))
                        .setTableLayout(layout);
        if (mode != HotdataWriteMode.APPEND && mode != HotdataWriteMode.REPLACE) {
            builder.setKeyColumns("id");
        }
        return HotdataSinkConfigs.of(builder);
    }

    private HotdataCommitter committer(HotdataSinkConfig config, long restoredCheckpointId) {
        return committer(config, restoredCheckpointId, HotdataCommitter.DATABASE_LOCK_WAIT);
    }

    private HotdataCommitter committer(
            HotdataSinkConfig config, long restoredCheckpointId, Duration lockWait) {
        HotdataCommitter committer =
                new HotdataCommitter(
                        config,
                        new HotdataClient(config.clientConfig()),
                        "job-" + committers.size(),
                        restoredCheckpointId,
                        InternalSinkCommitterMetricGroup.wrap(
                                UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup()),
                        Clock.systemUTC(),
                        HotdataClock.system(),
                        lockWait);
        committers.add(committer);
        return committer;
    }

    /** An upload of rows (id, v(id)) for the given ids. */
    private HotdataUploadedFile upload(LongUnaryOperator v, long... ids) throws Exception {
        Path file = dir.resolve(UUID.randomUUID() + ".parquet");
        HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(ROW, ParquetWriterOptions.builder().build())
                        .create(file);
        for (long id : ids) {
            writer.write(GenericRowData.of(id, v.applyAsLong(id)));
        }
        writer.finish();
        FinalizedUpload upload = client.uploadFile(file, HotdataParquetFileWriter.CONTENT_TYPE);
        return new HotdataUploadedFile(
                upload.uploadId(),
                HotdataUploadedFile.Kind.ROWS,
                ids.length,
                writer.fileSizeBytes());
    }

    private static HotdataCommittable committable(
            String sinkId, String runId, long checkpoint, boolean end, HotdataUploadedFile... f) {
        return new HotdataCommittable(sinkId, runId, checkpoint, Arrays.asList(f), end);
    }

    private static TestCommitRequest commit(HotdataCommitter committer, HotdataCommittable c)
            throws Exception {
        TestCommitRequest request = new TestCommitRequest(c);
        committer.commit(Collections.singletonList(request));
        return request;
    }

    private static void commitOk(HotdataCommitter committer, HotdataCommittable c)
            throws Exception {
        TestCommitRequest request = commit(committer, c);
        assertThat(request.failure).as("failure of %s", c).isNull();
        assertThat(request.retryLater).as("retry of %s", c).isFalse();
    }

    private String databaseId() throws Exception {
        for (DatabaseSummary db : client.listAllDatabases(database)) {
            if (database.equals(db.name())) {
                return db.id();
            }
        }
        throw new AssertionError("no database " + database);
    }

    /** id → v of the table. */
    private TreeMap<Long, Long> table() throws Exception {
        QueryResponse response = client.query(databaseId(), "SELECT id, v FROM public.t");
        TreeMap<Long, Long> rows = new TreeMap<>();
        for (List<Object> row : response.rows()) {
            Long previous =
                    rows.put(
                            Long.parseLong(String.valueOf(row.get(0))),
                            Long.parseLong(String.valueOf(row.get(1))));
            assertThat(previous).as("duplicate id %s", row.get(0)).isNull();
        }
        return rows;
    }

    private List<String> stageTables() throws Exception {
        List<String> stages = new ArrayList<>();
        for (TableInfo info :
                client.informationSchema(
                                InformationSchemaRequest.builder()
                                        .connectionId(
                                                client.getDatabase(databaseId())
                                                        .defaultConnectionId())
                                        .schema("public")
                                        .build())
                        .tables()) {
            if (info.table().startsWith(HotdataStageTables.PREFIX)) {
                stages.add(info.table());
            }
        }
        return stages;
    }

    private static TreeMap<Long, Long> expected(LongUnaryOperator v, long from, long to) {
        TreeMap<Long, Long> rows = new TreeMap<>();
        for (long id = from; id <= to; id++) {
            rows.put(id, v.applyAsLong(id));
        }
        return rows;
    }

    /**
     * Two fresh runs with the same explicit sink id reuse checkpoint ids; the second run's
     * checkpoints are not the first's and are published (the log's row proves only its own run).
     */
    @Test
    void aFreshRunWithAnExplicitSinkIdPublishesEverything() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "fixed");
        HotdataCommitter first = committer(config, -1);
        commitOk(first, committable("fixed", "run-a", 1, false, upload(id -> id, 1, 2)));
        commitOk(first, committable("fixed", "run-a", 2, false, upload(id -> id, 3, 4)));

        HotdataCommitter second = committer(config, -1);
        commitOk(second, committable("fixed", "run-b", 1, false, upload(id -> id, 5, 6)));
        commitOk(second, committable("fixed", "run-b", 2, true, upload(id -> id, 7, 8)));

        assertThat(table()).isEqualTo(expected(id -> id, 1, 8));
    }

    /**
     * A restore from an older savepoint replays checkpoint ids the run has committed already, with
     * other uploads (here: fixed logic); they are published, and the fix wins.
     */
    @Test
    void aRestoreFromAnOlderSavepointPublishesTheNewBranch() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.UPSERT, "s");
        HotdataCommitter original = committer(config, -1);
        HotdataCommittable savepointCheckpoint =
                committable("s", "r", 1, false, upload(id -> 2 * id, 1, 2));
        commitOk(original, savepointCheckpoint);
        commitOk(original, committable("s", "r", 2, false, upload(id -> 2 * id, 3, 4)));
        commitOk(original, committable("s", "r", 3, false, upload(id -> 2 * id, 5, 6)));

        // restored from checkpoint 1: its committable comes back, then new checkpoints 2 and 3
        HotdataCommitter restored = committer(config, 1);
        int loadsBefore = HOTDATA.server().requestLog().count("POST", ".*/tables/t/loads");
        commitOk(restored, savepointCheckpoint);
        assertThat(HOTDATA.server().requestLog().count("POST", ".*/tables/t/loads"))
                .as("a committable the log holds with its uploads is not loaded again")
                .isEqualTo(loadsBefore);
        commitOk(restored, committable("s", "r", 2, false, upload(id -> 3 * id, 3, 4)));
        commitOk(restored, committable("s", "r", 3, false, upload(id -> 3 * id, 5, 6)));

        TreeMap<Long, Long> want = expected(id -> 3 * id, 1, 6);
        want.put(1L, 2L);
        want.put(2L, 4L);
        assertThat(table()).isEqualTo(want);
    }

    /** A checkpoint id the log holds with other uploads is no proof: the committable loads. */
    @Test
    void theLogProvesOnlyTheSameUploads() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "s");
        commitOk(committer(config, -1), committable("s", "r", 5, false, upload(id -> id, 1)));
        commitOk(committer(config, 5), committable("s", "r", 5, false, upload(id -> id, 2)));
        assertThat(table()).isEqualTo(expected(id -> id, 1, 2));
    }

    /**
     * {@code replace}: a fresh run with the same sink id stages apart from an aborted earlier run,
     * drops that run's stage, and publishes exactly its own rows.
     */
    @Test
    void replaceStagesEachRunApart() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.REPLACE, "fixed");
        commitOk(
                committer(config, -1),
                committable("fixed", "aborted", 1, false, upload(id -> id, 1, 2, 3)));
        assertThat(stageTables()).hasSize(1);

        HotdataCommitter fresh = committer(config, -1);
        commitOk(fresh, committable("fixed", "fresh", 1, false, upload(id -> id, 10)));
        commitOk(fresh, committable("fixed", "fresh", 2, true, upload(id -> id, 11)));

        assertThat(table()).isEqualTo(expected(id -> id, 10, 11));
        assertThat(stageTables()).as("stage tables left behind").isEmpty();
    }

    /** {@code replace} cannot take staged rows back: a rewind within a run fails loudly. */
    @Test
    void replaceRefusesARewind() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.REPLACE, "s");
        HotdataCommitter original = committer(config, -1);
        commitOk(original, committable("s", "r", 1, false, upload(id -> id, 1)));
        commitOk(original, committable("s", "r", 2, false, upload(id -> id, 2)));
        commitOk(original, committable("s", "r", 3, false, upload(id -> id, 3)));

        TestCommitRequest request =
                commit(committer(config, 1), committable("s", "r", 2, true, upload(id -> id, 9)));
        assertThat(request.failure)
                .isNotNull()
                .hasMessageContaining("restored from checkpoint 1")
                .hasMessageContaining("up to checkpoint 3");
    }

    /** {@code insert-only} keeps the first row of a key and drops its stage at the end. */
    @Test
    void insertOnlyKeepsFirstRowsAndDropsItsStage() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.INSERT_ONLY, "s");
        HotdataCommitter committer = committer(config, -1);
        commitOk(committer, committable("s", "r", 1, false, upload(id -> id, 1, 2)));
        commitOk(committer, committable("s", "r", 2, false, upload(id -> 100 + id, 2, 3)));
        assertThat(stageTables()).hasSize(1);
        commitOk(committer, committable("s", "r", 3, true));

        assertThat(table()).containsExactlyEntriesOf(new TreeMap<>(expectedFirstWins()));
        assertThat(stageTables()).as("stage tables left behind").isEmpty();
    }

    private static TreeMap<Long, Long> expectedFirstWins() {
        TreeMap<Long, Long> rows = new TreeMap<>();
        rows.put(1L, 1L);
        rows.put(2L, 2L);
        rows.put(3L, 103L);
        return rows;
    }

    /** An upload Hotdata does not know that the log does not name fails, naming what is lost. */
    @Test
    void anUnknownUploadNotInTheLogFailsNamingIt() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "s");
        HotdataCommitter committer = committer(config, -1);
        commitOk(committer, committable("s", "r", 1, false, upload(id -> id, 1)));
        TestCommitRequest request =
                commit(
                        committer,
                        committable(
                                "s",
                                "r",
                                2,
                                false,
                                new HotdataUploadedFile(
                                        "upl_gone", HotdataUploadedFile.Kind.ROWS, 42, 100)));
        assertThat(request.failure)
                .isNotNull()
                .hasMessageContaining("upl_gone")
                .hasMessageContaining("checkpoint 2")
                .hasMessageContaining("42");
        assertThat(table()).isEqualTo(expected(id -> id, 1, 1));
    }

    /**
     * Another sink of this JVM holding the database does not starve the committer: past its bounded
     * wait it publishes and lets the server's lock decide.
     */
    @Test
    void theDatabaseLockCannotStarveACommit() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "s");
        HotdataCommitter committer = committer(config, -1, Duration.ofMillis(200));
        commitOk(committer, committable("s", "r", 1, false, upload(id -> id, 1)));
        ReentrantLock lock =
                HotdataDatabaseLocks.of(HOTDATA.endpoint(), HOTDATA.workspaceId(), databaseId());
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder =
                new Thread(
                        () -> {
                            lock.lock();
                            try {
                                held.countDown();
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                lock.unlock();
                            }
                        });
        holder.start();
        held.await();
        try {
            HotdataUploadedFile second = upload(id -> id, 2);
            assertTimeoutPreemptively(
                    Duration.ofSeconds(30),
                    () -> commitOk(committer, committable("s", "r", 2, false, second)));
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(table()).isEqualTo(expected(id -> id, 1, 2));
    }

    /**
     * A committable published in full and then committed again without the log's proof (a new
     * committer that was not restored) changes nothing, whichever way the server answers a re-sent
     * upload.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(UploadReuse.class)
    void aCommittableCommittedAgainChangesNothing(UploadReuse reading) throws Exception {
        HOTDATA.server().readings().uploadReuse(reading);
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "s");
        HotdataCommittable c =
                committable("s", "r", 1, false, upload(id -> id, 1, 2), upload(id -> id, 3));
        commitOk(committer(config, -1), c);
        int replayed = HOTDATA.server().requestLog().countReplayed("POST", ".*/tables/t/loads");

        commitOk(committer(config, -1), c);

        assertThat(table()).isEqualTo(expected(id -> id, 1, 3));
        int replays =
                HOTDATA.server().requestLog().countReplayed("POST", ".*/tables/t/loads") - replayed;
        assertThat(replays).isEqualTo(reading == UploadReuse.REPLAY ? 2 : 0);
    }

    /**
     * A load the server refused after claiming its upload: where the server then keeps the upload
     * consumed, committing again must not take "claimed" for "published"; where it releases it, the
     * next attempt publishes it.
     */
    @ParameterizedTest(name = "{0}, failed load consumes: {1}")
    @CsvSource({"REPLAY,true", "CONFLICT,true", "REPLAY,false", "CONFLICT,false"})
    void aLoadRefusedAfterItsClaimIsNeverTakenForPublished(UploadReuse reading, boolean consumes)
            throws Exception {
        HOTDATA.server().readings().uploadReuse(reading).failedLoadConsumesUpload(consumes);
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "s");
        HotdataCommitter committer = committer(config, -1);
        commitOk(committer, committable("s", "r", 1, false, upload(id -> id, 1)));
        HotdataCommittable c = committable("s", "r", 2, false, upload(id -> id, 2, 3));
        FaultRule refusal = HOTDATA.server().faults().failAfterClaim(1, 400, "INVALID_PARQUET");

        assertThat(commit(committer, c).failure).isNotNull();
        assertThat(refusal.hits()).as("refusal after the claim fired").isEqualTo(1);

        TestCommitRequest again = commit(committer(config, 2), c);
        if (consumes) {
            assertThat(again.failure)
                    .as("committing a consumed-by-failure upload again")
                    .isNotNull()
                    .hasMessageContaining(c.files().get(0).uploadId());
            assertThat(table()).isEqualTo(expected(id -> id, 1, 1));
        } else {
            assertThat(again.failure).isNull();
            assertThat(table()).isEqualTo(expected(id -> id, 1, 3));
        }
    }

    /** An upload forgotten by the server after its lifetime is done if the log names it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(UploadReuse.class)
    void aGoneUploadTheLogNamesIsDone(UploadReuse reading) throws Exception {
        HOTDATA.server().readings().uploadReuse(reading);
        HotdataSinkConfig config = config(HotdataWriteMode.UPSERT, "s");
        HotdataCommittable c = committable("s", "r", 1, false, upload(id -> id, 1, 2));
        commitOk(committer(config, -1), c);
        HOTDATA.server().faults().ageUploads(Duration.ofHours(25));

        commitOk(committer(config, -1), c);

        assertThat(
                        HOTDATA.server()
                                .requestLog()
                                .countError("POST", ".*/tables/t/loads", 404, "UPLOAD_NOT_FOUND"))
                .as("the server had forgotten the upload")
                .isPositive();
        assertThat(table()).isEqualTo(expected(id -> id, 1, 2));
    }

    /** An upload that expired before it was ever loaded fails, naming what cannot be published. */
    @Test
    void anExpiredUploadNeverPublishedFailsNamingIt() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "s");
        HotdataUploadedFile late = upload(id -> id, 7, 8, 9);
        HOTDATA.server().faults().ageUploads(Duration.ofHours(25));

        TestCommitRequest request =
                commit(committer(config, -1), committable("s", "r", 4, false, late));

        assertThat(request.failure)
                .isNotNull()
                .hasMessageContaining(late.uploadId())
                .hasMessageContaining("checkpoint 4")
                .hasMessageContaining("3 rows");
    }

    /**
     * A 409 that is not a claim conflict (an incompatible column type, say) is a refusal: it fails
     * the commit and is never taken for "published".
     */
    @Test
    void aConflictOtherThanAClaimIsARefusal() throws Exception {
        HotdataSinkConfig config = config(HotdataWriteMode.APPEND, "s");
        HotdataCommitter committer = committer(config, -1);
        commitOk(committer, committable("s", "r", 1, false, upload(id -> id, 1)));
        HotdataCommittable c = committable("s", "r", 2, false, upload(id -> id, 2));
        FaultRule conflict =
                HOTDATA.server()
                        .faults()
                        .failNext(1, "POST", ".*/tables/t/loads", 409, 0, "INCOMPATIBLE_SCHEMA");

        TestCommitRequest request = commit(committer, c);

        assertThat(conflict.hits()).isEqualTo(1);
        assertThat(request.failure)
                .isNotNull()
                .hasMessageContaining("Hotdata refused to publish checkpoint 2")
                .hasMessageContaining("INCOMPATIBLE_SCHEMA");
        assertThat(table()).isEqualTo(expected(id -> id, 1, 1));
        commitOk(committer, c);
        assertThat(table()).isEqualTo(expected(id -> id, 1, 2));
    }

    /**
     * A table with a layout must take a 'replace' first (hotdata-local enforces it, as the real
     * service does): the sink gives it its columns with a zero-row replace, then appends.
     */
    @Test
    void aLayoutTableIsSeededWithAReplaceBeforeTheFirstAppend() throws Exception {
        HotdataSinkConfig config =
                config(
                        HotdataWriteMode.APPEND,
                        "s",
                        HotdataTableLayout.builder().sortedBy("id", "asc", null).build());
        HotdataCommitter committer = committer(config, -1);
        commitOk(committer, committable("s", "r", 1, false, upload(id -> id, 1, 2)));
        commitOk(committer, committable("s", "r", 2, false, upload(id -> id, 3)));

        assertThat(table()).isEqualTo(expected(id -> id, 1, 3));
        assertThat(
                        HOTDATA.server()
                                .requestLog()
                                .countError("POST", ".*/tables/t/loads", 400, "BAD_REQUEST"))
                .as("loads refused for not being a replace")
                .isZero();
    }
}
