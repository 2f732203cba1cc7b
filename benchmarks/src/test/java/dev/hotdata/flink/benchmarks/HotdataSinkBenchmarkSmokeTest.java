package dev.hotdata.flink.benchmarks;

import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The benchmark end to end on a few rows (the {@code benchmarks} profile only; it is not a timed
 * test): every part runs, each sink delivers exactly the generated rows (checked inside every run),
 * and the figures it prints are in their possible ranges.
 */
class HotdataSinkBenchmarkSmokeTest {

    @Test
    void everyPartRunsAndTheFiguresAreInRange() throws Exception {
        HotdataSinkBenchmark.Settings settings = new HotdataSinkBenchmark.Settings();
        settings.rows = 20_000;
        settings.repeats = 1;
        settings.parallelisms = new int[] {1, 2};
        settings.heapRows = 50_000;
        settings.maxTableRows = 10_000;

        HotdataSinkBenchmark.Report report = HotdataSinkBenchmark.run(settings);

        assertThat(report.comparisons).hasSize(2);
        for (HotdataSinkBenchmark.Comparison c : report.comparisons) {
            for (double rate :
                    new double[] {
                        c.fileEndToEnd,
                        c.hotdataEndToEnd,
                        c.fileSteady,
                        c.hotdataSteady,
                        c.fileCpuPerRow,
                        c.hotdataCpuPerRow
                    }) {
                assertThat(rate).isPositive().isFinite();
            }
            // steady excludes start-up and the final commit, so it is never the slower figure
            assertThat(c.hotdataSteady).isGreaterThanOrEqualTo(c.hotdataEndToEnd);
            assertThat(c.fileSteady).isGreaterThanOrEqualTo(c.fileEndToEnd);
            assertThat(c.commits).isPositive();
            assertThat(c.commitP50).isPositive().isLessThanOrEqualTo(c.commitP99);
            // Parquet plus a few hundred bytes of JSON per request
            assertThat(c.bytesSentPerParquetByte).isBetween(1.0, 1.1);
            assertThat(c.lines).hasSize(5);
            assertThat(c.fileTailMillis).isPositive();
            assertThat(c.hotdataTailMillis).isPositive();
        }
        assertThat(report.peakBufferedBytes).isPositive().isLessThan(256L << 20);
        assertThat(report.upsertBytesRatios).hasSize(1);
        assertThat(report.upsertBytesRatios.get(0)[1]).isBetween(1.0, 1.1);
        assertThat(report.lines).hasSize(2 * 5 + 1 + 1);
    }

    @Test
    void verificationRejectsMissingRows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rows.parquet");
        try (HotdataParquetFileWriter w =
                new HotdataParquetWriterFactory(
                                BenchmarkRows.ROW_TYPE, ParquetWriterOptions.defaults())
                        .create(file)) {
            for (long i = 0; i < 1000; i++) {
                w.write(BenchmarkRows.row(i));
            }
            w.finish();
        }
        try (Verification verify = new Verification(null)) {
            verify.parquetFiles(dir, 1000);
            assertThatThrownBy(() -> verify.parquetFiles(dir, 1001))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("found count 1000");
        }
    }
}
