package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.sink.HotdataRowConverter;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restores from a savepoint or checkpoint that is not the job's newest: an older savepoint with
 * fixed logic (upsert must publish the fixed values; replace must refuse the rewind), and restores
 * after the server's upload TTL (a logged checkpoint ends exact; a never-loaded one fails naming
 * what is lost).
 */
class HotdataSinkRestoreITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    private static final String TABLE = "events";
    private static final String DATA_LOADS = ".*/tables/" + TABLE + "/loads";
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir Path savepoints;

    private long checkpointMillis = 200;

    // ------------------------------------------------------------ older savepoint, fixed logic

    /**
     * An upsert job writes {@code amount = 2 × id}; a savepoint is taken mid-stream and the job
     * runs to its end. The same savepoint is restored with fixed logic ({@code amount = 3 × id}),
     * which runs to its end: every row from the savepoint's position on must hold the new value,
     * every row before it the old one. (The old committer skipped every commit of the fixed run:
     * their checkpoint ids were not above the highest one logged by the first run.)
     */
    @Test
    void upsertRestoredFromAnOlderSavepointPublishesTheFixedValues() throws Exception {
        String db = "older_savepoint_upsert";
        long rows = 5_000;
        JobClient first = start(db, rows, 1_000, 2, HotdataWriteMode.UPSERT, null, 5);
        long committedBefore = awaitSomeRows(db, rows);
        String savepoint = savepoint(first);
        first.getJobExecutionResult().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertScaled(db, rows, rows); // the first run: every row 2 × id

        start(db, rows, 2_500, 3, HotdataWriteMode.UPSERT, savepoint, 5)
                .getJobExecutionResult()
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        long position = assertScaled(db, rows, -1);
        assertThat(position)
                .as("first id with the fixed value: the savepoint's source position")
                .isGreaterThanOrEqualTo(committedBefore)
                .isLessThan(rows);
    }

    /**
     * The same in {@code replace} mode: the restored run would stage on top of checkpoints its
     * first run already staged past the savepoint, so the committer must refuse, loudly, and the
     * table must keep exactly the first run's output, not a mix.
     */
    @Test
    void replaceRestoredFromAnOlderSavepointFailsLoudly() throws Exception {
        String db = "older_savepoint_replace";
        long rows = 4_000;
        JobClient first = start(db, rows, 1_000, 2, HotdataWriteMode.REPLACE, null, 5);
        Conditions.waitUntil(
                "a first staged load",
                Duration.ofSeconds(60),
                () -> since("POST", ".*/loads", 200) > 0);
        String savepoint = savepoint(first);
        first.getJobExecutionResult().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertScaled(db, rows, rows);

        JobClient restored = start(db, rows, 2_500, 3, HotdataWriteMode.REPLACE, savepoint, 1);
        String error =
                ReliabilityChecks.describe(ReliabilityChecks.awaitFailure(restored, DEADLINE));
        assertThat(error)
                .containsPattern("restored from checkpoint \\d+")
                .containsPattern("up to checkpoint \\d+");
        // nothing of the refused run was published
        assertScaled(db, rows, rows);
    }

    // ------------------------------------------------------------ restores after the upload TTL

    /**
     * A checkpoint whose uploads were published and logged (stop-with-savepoint commits it before
     * the job ends) is restored after its uploads aged past the TTL: the committer finds it in the
     * commit log and the restored job ends with exactly the input.
     */
    @Test
    void aLoggedCheckpointRestoredAfterTheUploadTtlEndsExact() throws Exception {
        String db = "ttl_logged";
        long rows = 4_000;
        JobClient first = start(db, rows, 1_000, 0, HotdataWriteMode.APPEND, null, 5);
        awaitSomeRows(db, rows);
        String savepoint =
                first.stopWithSavepoint(false, savepoints.toUri().toString(), canonical())
                        .get(60, TimeUnit.SECONDS);
        long published = rowCount(db);
        assertThat(published).as("rows published by the stopped run").isPositive().isLessThan(rows);
        List<String> logged = loggedUploads(db);
        assertThat(logged).isNotEmpty();

        E2E.server().faults().ageUploads(Duration.ofHours(25));
        // the fault fired: the logged uploads are past the TTL now
        assertThatThrownBy(() -> probeLoad(db, logged.get(logged.size() - 1)))
                .isInstanceOf(HotdataException.class)
                .satisfies(e -> assertThat(((HotdataException) e).statusCode()).isEqualTo(404));
        int beforeRestore = E2E.server().requestLog().entries().size();

        start(db, rows, 2_500, 0, HotdataWriteMode.APPEND, savepoint, 5)
                .getJobExecutionResult()
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        E2E.hotdata().assertExactly(db, TABLE, rows);
        assertThat(FailoverJobs.count(E2E.server(), beforeRestore, "POST", DATA_LOADS, 200))
                .as("loads of the restored run")
                .isPositive();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Ids 0..rows-1 from one source subtask (so ids are published in order) at {@code rate} per
     * second, keyed by id, into a sink of {@code mode} at parallelism 2, with {@code amount =
     * factor × id}; restored from {@code restoreFrom} when not null.
     */
    private JobClient start(
            String db,
            long rows,
            int rate,
            long factor,
            HotdataWriteMode mode,
            String restoreFrom,
            int restartAttempts)
            throws Exception {
        return start(db, rows, rate, factor, mode, restoreFrom, restartAttempts, 8);
    }

    private JobClient start(
            String db,
            long rows,
            int rate,
            long factor,
            HotdataWriteMode mode,
            String restoreFrom,
            int restartAttempts,
            int maxRetries)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointMillis);
        DataStream<Long> ids =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        index -> index,
                                        rows,
                                        RateLimiterStrategy.perSecond(rate),
                                        Types.LONG),
                                WatermarkStrategy.noWatermarks(),
                                "ids")
                        .uid("ids")
                        .setParallelism(1);
        HotdataSinkBuilder<Long> sink =
                E2E.hotdata()
                        .sink(db, TABLE)
                        .setRowConverter(
                                TestRows.ROW_TYPE,
                                factor == 0 ? TestRows.converter() : scaled(factor));
        sink.setMaxRetries(maxRetries);
        if (mode == HotdataWriteMode.UPSERT) {
            sink.setKeyColumns("id");
        } else {
            sink.setWriteMode(mode);
        }
        ids.keyBy(id -> id).sinkTo(sink.build()).uid("hotdata-sink");
        return env.executeAsync("restore " + db);
    }

    /** The test rows with {@code amount = factor × id}. */
    private static HotdataRowConverter<Long> scaled(long factor) {
        return id ->
                GenericRowData.of(
                        id,
                        StringData.fromString(TestRows.name(id)),
                        DecimalData.fromBigDecimal(BigDecimal.valueOf(factor * id), 12, 2),
                        TimestampData.fromEpochMillis(TestRows.EPOCH_MILLIS + id));
    }

    /**
     * Asserts the table holds ids 0..rows-1 once each, those below some position P with {@code 2 ×
     * id} and those from P on with {@code 3 × id}; returns P. {@code expectedPosition} ≥ 0 pins P.
     */
    private long assertScaled(String db, long rows, long expectedPosition) throws Exception {
        long[] stats =
                E2E.hotdata()
                        .aggregate(
                                db,
                                "SELECT count(*), count(DISTINCT id), min(id), max(id),"
                                        + " sum(CASE WHEN amount = CAST(2 * id AS DECIMAL(12,2))"
                                        + " THEN 1 ELSE 0 END),"
                                        + " sum(CASE WHEN amount = CAST(3 * id AS DECIMAL(12,2))"
                                        + " THEN 1 ELSE 0 END),"
                                        + " coalesce(min(CASE WHEN amount = CAST(3 * id AS DECIMAL(12,2))"
                                        + " AND id > 0 THEN id END), "
                                        + rows
                                        + "),"
                                        + " coalesce(max(CASE WHEN amount = CAST(2 * id AS DECIMAL(12,2))"
                                        + " AND id > 0 THEN id END), 0)"
                                        + " FROM public."
                                        + TABLE);
        assertThat(stats[0]).as("rows").isEqualTo(rows);
        assertThat(stats[1]).as("distinct ids").isEqualTo(rows);
        assertThat(stats[2]).as("min id").isZero();
        assertThat(stats[3]).as("max id").isEqualTo(rows - 1);
        long firstNew = stats[6];
        long lastOld = stats[7];
        // id 0 holds 0 under both factors: it counts as old and new
        assertThat(stats[4] + stats[5] - 1).as("rows holding 2 × id or 3 × id").isEqualTo(rows);
        assertThat(lastOld).as("last id with the old value").isLessThan(firstNew);
        assertThat(stats[5] - 1).as("rows with the new value").isEqualTo(rows - firstNew);
        if (expectedPosition >= 0) {
            assertThat(firstNew).as("first id with the new value").isEqualTo(expectedPosition);
        }
        return firstNew;
    }

    /** Waits until some rows, not all, are published; returns how many. */
    private long awaitSomeRows(String db, long rows) throws Exception {
        Conditions.waitUntil(
                "a first published checkpoint in " + db,
                Duration.ofSeconds(60),
                () -> rowCount(db) > 0);
        long published = rowCount(db);
        assertThat(published).as("rows published before the savepoint").isLessThan(rows);
        return published;
    }

    private long rowCount(String db) {
        try {
            return E2E.hotdata().aggregate(db, "SELECT count(*) FROM public." + TABLE)[0];
        } catch (HotdataException | AssertionError e) {
            return 0; // no database or table yet
        }
    }

    private String savepoint(JobClient job) throws Exception {
        return job.triggerSavepoint(savepoints.toUri().toString(), canonical())
                .get(60, TimeUnit.SECONDS);
    }

    private static SavepointFormatType canonical() {
        return SavepointFormatType.CANONICAL;
    }

    /** Upload ids the commit log records as published, in checkpoint order. */
    private List<String> loggedUploads(String db) throws HotdataException {
        List<String> ids = new ArrayList<>();
        for (List<Object> row :
                E2E.hotdata()
                        .client()
                        .query(
                                E2E.hotdata().databaseId(db),
                                "SELECT upload_ids FROM public._flink_commits"
                                        + " WHERE mode <> 'failed' ORDER BY checkpoint_id")
                        .rows()) {
            ids.addAll(Arrays.asList(String.valueOf(row.get(0)).trim().split("\\s+")));
        }
        return ids;
    }

    /** A load of an upload into a scratch table: 404 once the upload is past the TTL. */
    private void probeLoad(String db, String uploadId) throws HotdataException {
        E2E.hotdata()
                .client()
                .load(
                        E2E.hotdata().databaseId(db),
                        "public",
                        "ttl_probe",
                        LoadRequest.builder().uploadId(uploadId).mode(LoadMode.APPEND).build());
    }

    private long since(String method, String pathRegex, int status) {
        return FailoverJobs.count(E2E.server(), E2E.logStart(), method, pathRegex, status);
    }
}
