package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.format.ParquetWriterOptions;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two million rows in one commit: the writer rolls Parquet files to disk and holds at most one row
 * group in heap, whatever the size of the checkpoint.
 */
class HotdataSinkLargeCheckpointITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final HotdataE2eEnvironment E2E =
            HotdataE2eEnvironment.withSlots(2)
                    .withConfiguration(METRICS.addToConfiguration(new Configuration()));

    private static final long ROWS = 2_000_000;
    private static final long ROW_GROUP_BYTES = 4L * 1024 * 1024;

    @Test
    void twoMillionRowsInOneCommitWithBoundedWriterHeap() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH); // one commit at the end
        env.setParallelism(2);
        env.fromSequence(0, ROWS - 1)
                .sinkTo(
                        E2E.hotdata()
                                .sink("large", "events")
                                .setRollingMaxBytes(2L * 1024 * 1024)
                                .setParquetOptions(
                                        ParquetWriterOptions.builder()
                                                .rowGroupSizeBytes(ROW_GROUP_BYTES)
                                                .build())
                                .build());
        long start = System.nanoTime();
        JobExecutionResult result = env.execute("large checkpoint");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "Large checkpoint: %d rows in %.1f s = %.0f rows/s (parallelism 2, batch)%n",
                ROWS, seconds, ROWS / seconds);

        E2E.hotdata().assertExactly("large", "events", ROWS);
        long[] log =
                E2E.hotdata()
                        .aggregate(
                                "large",
                                "SELECT count(*), sum(row_count), max(length(upload_ids)"
                                        + " - length(replace(upload_ids, ' ', '')) + 1)"
                                        + " FROM public._flink_commits");
        assertThat(log[0]).as("commits").isEqualTo(1);
        assertThat(log[1]).isEqualTo(ROWS);
        assertThat(log[2]).as("uploads in the one commit: files rolled").isGreaterThan(2);

        Map<String, Metric> peaks =
                METRICS.findMetrics(result.getJobID(), "hotdataPeakBufferedBytes");
        assertThat(peaks).hasSize(2);
        for (Metric metric : peaks.values()) {
            long peak = ((Number) ((Gauge<?>) metric).getValue()).longValue();
            assertThat(peak).isPositive().isLessThan(2 * ROW_GROUP_BYTES);
        }
    }
}
