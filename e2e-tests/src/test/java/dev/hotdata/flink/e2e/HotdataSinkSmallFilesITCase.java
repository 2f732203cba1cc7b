package dev.hotdata.flink.e2e;

import dev.hotdata.local.fault.FaultRule;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers with little data hand their files to the aggregator, which merges them into one upload: a
 * checkpoint costs one data load whatever the sink's parallelism, and a failure of the merged
 * upload is a task failure the job recovers from, exactly once.
 */
class HotdataSinkSmallFilesITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);

    private static final String TABLE = "events";
    private static final String DATA_LOADS = ".*/tables/" + TABLE + "/loads";
    private static final long ROWS = 6_000;

    private void run(String database, long smallFilesMaxBytes) throws Exception {
        StreamExecutionEnvironment env = FailoverJobs.environment(0);
        env.setParallelism(4);
        env.enableCheckpointing(200);
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> index,
                                ROWS,
                                RateLimiterStrategy.perSecond(3_000),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ids")
                .sinkTo(
                        E2E.hotdata()
                                .sink(database, TABLE)
                                .setSmallFilesMaxBytes(smallFilesMaxBytes)
                                .build());
        env.execute("small files " + database);
    }

    /** Successful data loads into the table since the test started. */
    private long dataLoads() {
        return FailoverJobs.count(E2E.server(), E2E.logStart(), "POST", DATA_LOADS, 200);
    }

    /** Checkpoints the commit log records as published for the table. */
    private long commits(String database) throws Exception {
        return E2E.hotdata()
                .aggregate(
                        database,
                        "SELECT count(*) FROM public._flink_commits WHERE mode <> 'failed'"
                                + " AND table_name = '"
                                + TABLE
                                + "'")[0];
    }

    @Test
    void fourWritersCostOneLoadPerCheckpoint() throws Exception {
        run("small_merged", 4L * 1024 * 1024);

        E2E.hotdata().assertExactly("small_merged", TABLE, ROWS);
        long commits = commits("small_merged");
        assertThat(commits).as("checkpoints published").isGreaterThan(1);
        assertThat(dataLoads()).as("data loads: one per published checkpoint").isEqualTo(commits);
    }

    /** The control: without merging, checkpoints of four writers cost several loads each. */
    @Test
    void withoutMergingEachWriterCostsALoad() throws Exception {
        run("small_unmerged", 0);

        E2E.hotdata().assertExactly("small_unmerged", TABLE, ROWS);
        long commits = commits("small_unmerged");
        assertThat(dataLoads()).as("data loads").isGreaterThan(commits);
    }

    /**
     * The merged upload of a checkpoint is refused once, after the job has published a checkpoint:
     * the aggregator fails, the job restores from its last checkpoint, and every row lands once.
     */
    @Test
    void aRefusedMergedUploadIsATaskFailureRecoveredExactlyOnce() throws Exception {
        String database = "small_refused";
        JobClient job =
                FailoverJobs.start(
                        E2E.hotdata(),
                        database,
                        TABLE,
                        ROWS,
                        2_000,
                        200,
                        null,
                        sink -> sink.setSmallFilesMaxBytes(4L * 1024 * 1024));
        // wait, bounded, for a first published checkpoint, so the fault hits a later one
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (dataLoads() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(dataLoads()).as("a checkpoint was published before the fault").isPositive();
        FaultRule refused =
                E2E.server().faults().failNext(1, "POST", "/v1/uploads/[^/]+/finalize", 400);

        job.getJobExecutionResult().get();

        assertThat(refused.hits()).as("the merged upload's finalize was refused").isEqualTo(1);
        E2E.hotdata().assertExactly(database, TABLE, ROWS);
    }
}
