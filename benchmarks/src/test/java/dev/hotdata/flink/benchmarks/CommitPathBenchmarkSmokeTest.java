package dev.hotdata.flink.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CommitPathBenchmark} end to end on a tiny matrix at a small latency scale and a short long
 * run (the {@code benchmarks} profile only; not a timed test): every figure is printed and in its
 * possible range.
 */
class CommitPathBenchmarkSmokeTest {

    @Test
    void theMatrixPrintsEveryFigure() throws Exception {
        CommitPathBenchmark.Settings settings = new CommitPathBenchmark.Settings();
        settings.configs.add(new int[] {2, 1, 300});
        settings.configs.add(new int[] {2, 3, 300});
        settings.checkpointIntervalMillis = 1500;
        settings.durationSeconds = 12;
        settings.latencyScale = 0.05;
        settings.pollIntervalMillis = 300;

        CommitPathBenchmark.Report report = CommitPathBenchmark.run(settings);

        assertThat(report.results).hasSize(2);
        for (CommitPathBenchmark.Result r : report.results) {
            assertThat(r.rowsMade).isPositive();
            assertThat(r.achievedRate).isPositive().isFinite();
            // every table gets every row
            assertThat(r.rowsVisible).isPositive().isLessThanOrEqualTo(r.rowsMade * r.tables);
            assertThat(r.checkpoints).isPositive();
            assertThat(r.histogramCommits).isPositive();
            assertThat(r.histogramP50).isPositive().isLessThanOrEqualTo(r.histogramP99);
            assertThat(r.logCommits).isPositive();
            assertThat(r.logP50).isPositive().isLessThanOrEqualTo(r.logP99);
            assertThat(r.dataLoadsPerCheckpoint)
                    .isGreaterThanOrEqualTo(1.0)
                    .isLessThanOrEqualTo(2.0 * r.parallelism * r.tables);
            assertThat(r.uploadsPerCheckpoint)
                    .isGreaterThanOrEqualTo(1.0)
                    .isLessThanOrEqualTo(2.0 * r.parallelism * r.tables);
            // at least one append per committed checkpoint, at most one per table
            assertThat(r.commitLogAppendsPerCheckpoint).isBetween(1.0, (double) r.tables);
            assertThat(r.requestsPerCheckpoint).isGreaterThan(r.dataLoadsPerCheckpoint);
            assertThat(r.filesPerHour).hasSize(r.tables);
            assertThat(r.filesPerHour.values()).allSatisfy(f -> assertThat(f).isPositive());
            assertThat(r.freshnessP50).isPositive().isLessThanOrEqualTo(r.freshnessP99);
            assertThat(r.polls).isPositive();
            assertThat(r.lines).hasSize(5);
        }
        // the machine, 5 lines a configuration, the Markdown table (blank, header, rule, rows,
        // note)
        assertThat(report.lines).hasSize(1 + 2 * 5 + 4 + 2);
    }

    @Test
    void theLongRunPrintsFirstAndLastCommits() throws Exception {
        CommitPathBenchmark.Settings settings = new CommitPathBenchmark.Settings();
        settings.mode = "longrun";
        settings.longrunCheckpoints = 200;
        settings.longrunIntervalMillis = 100;
        settings.longrunParallelism = 2;
        settings.longrunRate = 500;

        CommitPathBenchmark.Report report = CommitPathBenchmark.run(settings);

        CommitPathBenchmark.LongRun lr = report.longRun;
        assertThat(lr.checkpoints).isGreaterThanOrEqualTo(150);
        for (double v :
                new double[] {
                    lr.firstP50,
                    lr.firstMean,
                    lr.lastP50,
                    lr.lastMean,
                    lr.firstRequests,
                    lr.lastRequests
                }) {
            assertThat(v).isPositive().isFinite();
        }
        // a commit is at least its data load and its commit-log append
        assertThat(lr.lastRequestsP50).isGreaterThanOrEqualTo(2);
        assertThat(lr.firstByKind).containsKey("load commit log");
        assertThat(lr.lines).hasSize(3);
        assertThat(report.lines).hasSize(1 + 3);
    }
}
