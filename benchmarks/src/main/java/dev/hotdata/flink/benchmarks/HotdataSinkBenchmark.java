package dev.hotdata.flink.benchmarks;

import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.fault.RequestLogEntry;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.row.ParquetRowDataBuilder;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.FileUtils;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The same generated rows through Flink's {@code FileSink} writing Parquet to local disk (the upper
 * bound on this machine) and through {@code HotdataSink} into hotdata-local on loopback, in one
 * process and one run, at parallelism 1 and 2, streaming with a checkpoint every second (each
 * checkpoint of HotdataSink is an upload per writer and a commit: a demanding setting). Prints, per
 * parallelism, the medians of interleaved repetitions:
 *
 * <ul>
 *   <li><b>end to end</b>: rows / (job submitted → job finished), which includes job start-up, the
 *       final checkpoint and its commit (a rename for FileSink, uploads + loads for HotdataSink);
 *   <li><b>steady</b>: rows / (first row made → last row made by the chained source), which
 *       includes every checkpoint pause on the task thread but neither start-up nor the final
 *       commit;
 * </ul>
 *
 * <p>and the ratios HotdataSink / FileSink of both; commit latency (p50, p99 over every commit of
 * the parallelism's runs, from the committer's {@code hotdataCommitDurationMs} histogram: the loads
 * and the commit-log append of one checkpoint); bytes sent per commit against the Parquet bytes
 * uploaded (hotdata-local's request log); the writers' peak buffered heap with a 2-million-row
 * checkpoint; and the bytes an upsert commit of 10,000 changed rows sends as the table grows.
 *
 * <p>Run: {@code mvn -B -ntp -Pbenchmarks -pl benchmarks -am verify -DskipTests}; system properties
 * {@code bench.rows} (2,000,000), {@code bench.repeats} (5), {@code bench.parallelism} ("1,2"),
 * {@code bench.heap.rows} (2,000,000; 0 skips), {@code bench.upsert.max-table-rows} (1,000,000;
 * below 10,000 skips), {@code bench.checkpoint-interval-ms} (1000), {@code
 * bench.rolling-max-bytes}, {@code bench.trace} (print each HotdataSink run's requests on a time
 * line).
 */
public final class HotdataSinkBenchmark {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    private final HotdataLocalServer server;
    private final java.nio.file.Path work;
    private final Settings settings;
    private final Verification verify;

    private HotdataSinkBenchmark(
            HotdataLocalServer server,
            java.nio.file.Path work,
            Settings settings,
            Verification verify) {
        this.server = server;
        this.work = work;
        this.settings = settings;
        this.verify = verify;
    }

    /** What to run; read from system properties by {@link #fromSystemProperties()}. */
    static final class Settings {
        long rows = 2_000_000;
        int repeats = 5;
        int[] parallelisms = {1, 2};
        long heapRows = 2_000_000; // 0: skip
        long maxTableRows = 1_000_000; // below 10,000: skip the upsert part
        Long rollingMaxBytes;
        long checkpointIntervalMillis = 1000;
        Integer zstdLevel; // null: the connector's default
        boolean trace;

        static Settings fromSystemProperties() {
            Settings s = new Settings();
            s.rows = Long.getLong("bench.rows", s.rows);
            s.repeats = Integer.getInteger("bench.repeats", s.repeats);
            s.parallelisms =
                    Arrays.stream(System.getProperty("bench.parallelism", "1,2").split(","))
                            .mapToInt(p -> Integer.parseInt(p.trim()))
                            .toArray();
            s.heapRows = Long.getLong("bench.heap.rows", s.heapRows);
            s.maxTableRows = Long.getLong("bench.upsert.max-table-rows", s.maxTableRows);
            s.rollingMaxBytes = Long.getLong("bench.rolling-max-bytes");
            s.checkpointIntervalMillis =
                    Long.getLong("bench.checkpoint-interval-ms", s.checkpointIntervalMillis);
            s.zstdLevel = Integer.getInteger("bench.zstd-level");
            s.trace = Boolean.getBoolean("bench.trace");
            return s;
        }
    }

    /** The figures of one parallelism. */
    static final class Comparison {
        int parallelism;
        double fileEndToEnd;
        double hotdataEndToEnd;
        double fileSteady;
        double hotdataSteady;
        double fileCpuPerRow;
        double hotdataCpuPerRow;
        double fileTailMillis;
        double hotdataTailMillis;
        long commitP50;
        long commitP99;
        int commits;
        double bytesSentPerParquetByte;
        List<String> lines = new ArrayList<>();
    }

    /** Everything a run printed, for the smoke test to check. */
    static final class Report {
        final List<Comparison> comparisons = new ArrayList<>();
        long peakBufferedBytes = -1;
        final List<double[]> upsertBytesRatios = new ArrayList<>(); // {table rows, ratio}
        final List<String> lines = new ArrayList<>();
    }

    /** Runs the benchmark (see the class doc for the properties) and prints the figures. */
    public static void main(String[] args) throws Exception {
        Report report = run(Settings.fromSystemProperties());
        System.out.println();
        System.out.println("==== HotdataSink benchmark ====");
        for (String line : report.lines) {
            System.out.println(line);
        }
        System.exit(0); // the MiniCluster leaves non-daemon threads behind
    }

    static Report run(Settings settings) throws Exception {
        java.nio.file.Path work = Files.createTempDirectory("hotdata-bench-");
        MiniClusterWithClientResource cluster =
                new MiniClusterWithClientResource(
                        new MiniClusterResourceConfiguration.Builder()
                                .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(2)
                                .build());
        cluster.before();
        try (HotdataLocalServer server =
                        HotdataLocalServer.builder()
                                .host("127.0.0.1")
                                .port(0)
                                .dataDir(work.resolve("hotdata-local"))
                                .build()
                                .start();
                Verification verify = new Verification(server)) {
            HotdataSinkBenchmark bench = new HotdataSinkBenchmark(server, work, settings, verify);
            System.out.printf(
                    "%nMachine: %d cores, JDK %s; %,d rows of 12 columns per run, %d interleaved"
                            + " repetitions%n",
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    settings.rows,
                    settings.repeats);
            // warm-up: JIT, class loading, the server's engine
            long warmup = Math.min(settings.rows, 200_000);
            bench.fileSink(2, warmup, "warmup");
            bench.hotdataSink(2, warmup, "warmup");

            Report report = new Report();
            for (int parallelism : settings.parallelisms) {
                List<Run> files = new ArrayList<>();
                List<Run> hotdata = new ArrayList<>();
                for (int r = 0; r < settings.repeats; r++) {
                    // interleaved: the machine's noise hits both sinks alike
                    String label = "p" + parallelism + "-" + (r + 1);
                    files.add(bench.fileSink(parallelism, settings.rows, label));
                    hotdata.add(bench.hotdataSink(parallelism, settings.rows, label));
                }
                Comparison c = summarize(parallelism, files, hotdata);
                report.comparisons.add(c);
                report.lines.addAll(c.lines);
            }
            if (settings.heapRows > 0) {
                bench.peakHeap(report);
            }
            if (settings.maxTableRows >= 10_000) {
                bench.upsertBytes(report);
            }
            return report;
        } finally {
            cluster.after();
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
    }

    /** One run of one sink. */
    private static final class Run {
        double endToEnd; // rows/s
        double steady; // rows/s
        double cpuPerRow; // ns of this process's CPU time (all threads, the server's too)
        double startMillis; // job submitted -> first row
        double tailMillis; // last row -> job finished (final checkpoint and commit)
        long parquetBytes;
        long sentBytes;
        long commits;
        long[] commitMillis = new long[0];
    }

    private static Comparison summarize(int parallelism, List<Run> files, List<Run> hotdata) {
        Comparison c = new Comparison();
        c.parallelism = parallelism;
        c.fileEndToEnd = median(files, r -> r.endToEnd);
        c.hotdataEndToEnd = median(hotdata, r -> r.endToEnd);
        c.fileSteady = median(files, r -> r.steady);
        c.hotdataSteady = median(hotdata, r -> r.steady);
        c.fileCpuPerRow = median(files, r -> r.cpuPerRow);
        c.hotdataCpuPerRow = median(hotdata, r -> r.cpuPerRow);
        c.fileTailMillis = median(files, r -> r.tailMillis);
        c.hotdataTailMillis = median(hotdata, r -> r.tailMillis);
        double fileStart = median(files, r -> r.startMillis);
        double hotdataStart = median(hotdata, r -> r.startMillis);
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            pairs.append(i == 0 ? "" : ", ")
                    .append(String.format("%.2f", hotdata.get(i).endToEnd / files.get(i).endToEnd));
        }
        List<Long> commits = new ArrayList<>();
        long sent = 0;
        long parquet = 0;
        long fileParquet = 0;
        for (Run r : hotdata) {
            for (long m : r.commitMillis) {
                commits.add(m);
            }
            sent += r.sentBytes;
            parquet += r.parquetBytes;
        }
        for (Run r : files) {
            fileParquet += r.parquetBytes;
        }
        Collections.sort(commits);
        c.commitP50 = quantile(commits, 0.5);
        c.commitP99 = quantile(commits, 0.99);
        c.commits = commits.size();
        c.bytesSentPerParquetByte = parquet == 0 ? Double.NaN : (double) sent / parquet;
        c.lines.add(
                String.format(
                        "parallelism %d, end to end (median of %d): FileSink %,.0f rows/s,"
                                + " HotdataSink %,.0f rows/s, ratio %.2f (pairs: %s)",
                        parallelism,
                        files.size(),
                        c.fileEndToEnd,
                        c.hotdataEndToEnd,
                        c.hotdataEndToEnd / c.fileEndToEnd,
                        pairs));
        c.lines.add(
                String.format(
                        "parallelism %d, steady (first row to last row): FileSink %,.0f rows/s,"
                                + " HotdataSink %,.0f rows/s, ratio %.2f",
                        parallelism,
                        c.fileSteady,
                        c.hotdataSteady,
                        c.hotdataSteady / c.fileSteady));
        c.lines.add(
                String.format(
                        "parallelism %d, phases (medians): job start to first row FileSink %.0f ms,"
                                + " HotdataSink %.0f ms; last row to job finished (final"
                                + " checkpoint and commit) FileSink %.0f ms, HotdataSink %.0f ms",
                        parallelism,
                        fileStart,
                        hotdataStart,
                        c.fileTailMillis,
                        c.hotdataTailMillis));
        c.lines.add(
                String.format(
                        "parallelism %d, CPU time of the whole process per row: FileSink %.0f ns,"
                                + " HotdataSink %.0f ns (hotdata-local's included), ratio %.2f",
                        parallelism,
                        c.fileCpuPerRow,
                        c.hotdataCpuPerRow,
                        c.hotdataCpuPerRow / c.fileCpuPerRow));
        c.lines.add(
                String.format(
                        "parallelism %d, commits: latency p50 %d ms, p99 %d ms (%d commits);"
                                + " %,d Parquet bytes per commit, bytes sent / Parquet bytes"
                                + " %.4f; Parquet bytes HotdataSink / FileSink %.3f",
                        parallelism,
                        c.commitP50,
                        c.commitP99,
                        c.commits,
                        c.commits == 0 ? 0 : parquet / c.commits,
                        c.bytesSentPerParquetByte,
                        fileParquet == 0 ? Double.NaN : (double) parquet / fileParquet));
        return c;
    }

    private interface Field {
        double of(Run r);
    }

    private static double median(List<Run> runs, Field field) {
        double[] values = new double[runs.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = field.of(runs.get(i));
        }
        Arrays.sort(values);
        return values[values.length / 2];
    }

    /** Nearest-rank quantile; -1 when there are no values. */
    private static long quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The rows as a bounded stream, timed by the source (see {@link TimedRows}). */
    private DataStream<RowData> source(StreamExecutionEnvironment env, long count, String label) {
        return env.fromSource(
                new DataGeneratorSource<>(
                        new TimedRows(label),
                        count,
                        RateLimiterStrategy.noOp(),
                        InternalTypeInfo.of(BenchmarkRows.ROW_TYPE)),
                WatermarkStrategy.noWatermarks(),
                "rows");
    }

    private StreamExecutionEnvironment streaming(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(settings.checkpointIntervalMillis);
        return env;
    }

    /** Flink's FileSink with flink-parquet (see {@link FileSinkParquet}). */
    private Run fileSink(int parallelism, long count, String label) throws Exception {
        java.nio.file.Path out = work.resolve("filesink-" + label);
        StreamExecutionEnvironment env = streaming(parallelism);
        String timing = "FileSink " + label;
        source(env, count, timing)
                .sinkTo(
                        FileSink.forBulkFormat(
                                        new Path(out.toUri()),
                                        ParquetRowDataBuilder.createWriterFactory(
                                                BenchmarkRows.ROW_TYPE,
                                                FileSinkParquet.hadoopConf(),
                                                true))
                                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                                .build());
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        env.execute(timing);
        long end = System.nanoTime();
        Run run = timed(timing, count, start, end);
        run.cpuPerRow = (double) (processCpuNanos() - cpu) / count;
        double seconds = (end - start) / 1e9;
        run.parquetBytes = sizeOf(out);
        verify.parquetFiles(out, count); // after the clock stopped
        System.out.printf(
                "FileSink    %-7s %,10d rows in %6.2f s = %,10.0f rows/s end to end, %,10.0f"
                        + " steady, %.0f ns CPU/row (%,d Parquet bytes)%n",
                label, count, seconds, run.endToEnd, run.steady, run.cpuPerRow, run.parquetBytes);
        FileUtils.deleteDirectoryQuietly(out.toFile());
        return run;
    }

    /** The rates and phases of a run from its clock readings and the source's. */
    private static Run timed(String timing, long count, long start, long end) {
        long[] rows = TimedRows.firstAndLast(timing);
        Run run = new Run();
        run.endToEnd = count / ((end - start) / 1e9);
        run.steady = count / ((rows[1] - rows[0]) / 1e9);
        run.startMillis = (rows[0] - start) / 1e6;
        run.tailMillis = (end - rows[1]) / 1e6;
        return run;
    }

    /** CPU time of this JVM, every thread: the MiniCluster's, hotdata-local's, the GC's. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long sizeOf(java.nio.file.Path dir) throws Exception {
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private HotdataSinkBuilder<RowData> sink(String database, String table) {
        HotdataSinkBuilder<RowData> builder = HotdataSink.<RowData>builder();
        if (settings.rollingMaxBytes != null) {
            builder.setRollingMaxBytes(settings.rollingMaxBytes);
        }
        if (settings.zstdLevel != null) {
            builder.setParquetOptions(
                    ParquetWriterOptions.builder().zstdLevel(settings.zstdLevel).build());
        }
        return builder.setEndpoint(server.endpoint())
                .setApiKey(server.apiKey())
                .setWorkspaceId(server.workspaceId())
                .setDatabase(database)
                .setTable(table)
                .setRowType(BenchmarkRows.ROW_TYPE);
    }

    private Run hotdataSink(int parallelism, long count, String label) throws Exception {
        int mark = server.requestLog().entries().size();
        StreamExecutionEnvironment env = streaming(parallelism);
        String timing = "HotdataSink " + label;
        source(env, count, timing).sinkTo(sink("bench_" + label, "orders").build());
        long submitted = System.currentTimeMillis();
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        JobExecutionResult result = env.execute(timing);
        long end = System.nanoTime();
        long finished = System.currentTimeMillis();

        Run run = timed(timing, count, start, end);
        run.cpuPerRow = (double) (processCpuNanos() - cpu) / count;
        double seconds = (end - start) / 1e9;
        for (Metric metric :
                METRICS.findMetrics(result.getJobID(), "hotdataCommitDurationMs").values()) {
            long[] values = ((Histogram) metric).getStatistics().getValues();
            if (values.length > 0) {
                run.commitMillis = values;
                run.commits = values.length;
            }
        }
        List<RequestLogEntry> log = server.requestLog().entries();
        for (RequestLogEntry entry : log.subList(mark, log.size())) {
            run.sentBytes += entry.requestBytes();
            if (entry.method().equals("PUT") && entry.path().startsWith("/_storage/")) {
                run.parquetBytes += entry.requestBytes();
            }
        }
        verify.hotdataTable("bench_" + label, "orders", count); // after the clock stopped
        if (settings.trace) {
            // the run's requests, by the time the server answered them, from the job's submission
            for (RequestLogEntry entry : log.subList(mark, log.size())) {
                System.out.printf(
                        "  +%5d ms %-6s %-60.60s %d %,d bytes%n",
                        entry.timestampMillis() - submitted,
                        entry.method(),
                        entry.path(),
                        entry.status(),
                        entry.requestBytes());
            }
            System.out.printf("  +%5d ms job finished%n", finished - submitted);
        }
        System.out.printf(
                "HotdataSink %-7s %,10d rows in %6.2f s = %,10.0f rows/s end to end, %,10.0f"
                        + " steady, %.0f ns CPU/row, tail %.0f ms (%,d Parquet bytes uploaded, %d"
                        + " commits)%n",
                label,
                count,
                seconds,
                run.endToEnd,
                run.steady,
                run.cpuPerRow,
                run.tailMillis,
                run.parquetBytes,
                run.commits);
        return run;
    }

    /** One checkpoint of 2 million rows (batch mode): the writers' peak buffered heap. */
    private void peakHeap(Report report) throws Exception {
        long count = settings.heapRows;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        source(env, count, "heap").sinkTo(sink("bench_heap", "orders").build());
        JobExecutionResult result = env.execute("HotdataSink peak heap");
        TimedRows.firstAndLast("heap");
        verify.hotdataTable("bench_heap", "orders", count);
        long peak = 0;
        for (Map.Entry<String, Metric> e :
                METRICS.findMetrics(result.getJobID(), "hotdataPeakBufferedBytes").entrySet()) {
            peak = Math.max(peak, ((Number) ((Gauge<?>) e.getValue()).getValue()).longValue());
        }
        report.peakBufferedBytes = peak;
        report.lines.add(
                String.format(
                        "peak writer heap (row group buffered, hotdataPeakBufferedBytes) with a"
                                + " %,d-row checkpoint (batch, parallelism 2): %.1f MiB per writer"
                                + " (limit 256 MiB)",
                        count, peak / 1048576.0));
    }

    /** Bytes an upsert commit of 10,000 changed rows sends, as the table grows 10k → maxTable. */
    private void upsertBytes(Report report) throws Exception {
        long changed = 10_000;
        for (long tableRows = 10_000; tableRows <= settings.maxTableRows; tableRows *= 10) {
            String db = "bench_upsert_" + tableRows;
            StreamExecutionEnvironment base = StreamExecutionEnvironment.getExecutionEnvironment();
            base.setRuntimeMode(RuntimeExecutionMode.BATCH);
            base.setParallelism(2);
            source(base, tableRows, db)
                    .sinkTo(
                            sink(db, "orders")
                                    .setKeyColumns("order_id")
                                    .setWriteMode(HotdataWriteMode.APPEND)
                                    .build());
            base.execute("upsert base " + tableRows);
            TimedRows.firstAndLast(db);

            int mark = server.requestLog().entries().size();
            final long rowsInTable = tableRows;
            final long stride = tableRows / (changed / 2);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            env.setParallelism(1);
            env.fromSource(
                            new DataGeneratorSource<>(
                                    index -> {
                                        // half updates spread over the table, half new keys
                                        long id =
                                                index < changed / 2
                                                        ? index * stride
                                                        : rowsInTable + index;
                                        GenericRowData row =
                                                (GenericRowData) BenchmarkRows.row(id + 7);
                                        row.setField(0, id);
                                        row.setRowKind(RowKind.UPDATE_AFTER);
                                        return (RowData) row;
                                    },
                                    changed,
                                    InternalTypeInfo.of(BenchmarkRows.ROW_TYPE)),
                            WatermarkStrategy.noWatermarks(),
                            "changes")
                    .sinkTo(sink(db, "orders").setKeyColumns("order_id").build());
            env.execute("upsert " + tableRows);
            List<RequestLogEntry> log = server.requestLog().entries();
            long sent = 0;
            long parquet = 0;
            for (RequestLogEntry entry : log.subList(mark, log.size())) {
                sent += entry.requestBytes();
                if (entry.method().equals("PUT") && entry.path().startsWith("/_storage/")) {
                    parquet += entry.requestBytes();
                }
            }
            // 5,000 keys updated, 5,000 added
            verify.hotdataTable(db, "orders", tableRows + changed / 2, false);
            report.upsertBytesRatios.add(new double[] {tableRows, (double) sent / parquet});
            report.lines.add(
                    String.format(
                            "upsert of %,d changed rows into a table of %,9d rows: sent %,d bytes"
                                    + " for a %,d-byte Parquet batch = %.4f",
                            changed, tableRows, sent, parquet, (double) sent / parquet));
        }
    }
}
