package dev.hotdata.flink.benchmarks;

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
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.FileUtils;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The same generated rows through Flink's {@code FileSink} writing Parquet to local disk (the upper
 * bound on this machine) and through {@code HotdataSink} into hotdata-local on loopback, in one
 * process and one run, at parallelism 1 and 2. Prints rows/s of each and their ratio, commit
 * latency per checkpoint, bytes sent per commit against the Parquet bytes, the writer's peak heap
 * with a 2-million-row checkpoint, and the bytes an upsert commit sends as the table grows.
 *
 * <p>Run: {@code mvn -B -ntp -Pbenchmarks -pl benchmarks -am verify -DskipTests} (rows with {@code
 * -Dbench.rows=...}).
 */
public final class HotdataSinkBenchmark {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    private final long rows;
    private final HotdataLocalServer server;
    private final java.nio.file.Path work;

    private HotdataSinkBenchmark(long rows, HotdataLocalServer server, java.nio.file.Path work) {
        this.rows = rows;
        this.server = server;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 4_000_000L);
        long maxTable = Long.getLong("bench.upsert.max-table-rows", 1_000_000L);
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
                        .start()) {
            HotdataSinkBenchmark bench = new HotdataSinkBenchmark(rows, server, work);
            System.out.printf(
                    "%nMachine: %d cores, JDK %s; %,d rows of 12 columns per run%n",
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    rows);
            // warm-up: JIT, class loading, the server's engine
            bench.fileSink(2, Math.min(rows, 200_000), "warmup");
            bench.hotdataSink(2, Math.min(rows, 200_000), "warmup");

            List<String> summary = new ArrayList<>();
            int repeats = Integer.getInteger("bench.repeats", 3);
            for (int parallelism : new int[] {1, 2}) {
                // interleaved repetitions, medians: the machine's noise hits both sinks alike
                List<Double> files = new ArrayList<>();
                List<Run> hotdata = new ArrayList<>();
                for (int r = 0; r < repeats; r++) {
                    String label = "p" + parallelism + "-" + (r + 1);
                    files.add(bench.fileSink(parallelism, rows, label));
                    hotdata.add(bench.hotdataSink(parallelism, rows, label));
                }
                hotdata.sort((x, y) -> Double.compare(x.rowsPerSecond, y.rowsPerSecond));
                files.sort(Double::compare);
                double fileMedian = files.get(files.size() / 2);
                Run median = hotdata.get(hotdata.size() / 2);
                summary.add(
                        String.format(
                                "parallelism %d (median of %d): FileSink %,.0f rows/s, HotdataSink"
                                        + " %,.0f rows/s, ratio %.2f; commit latency p50 %.0f ms,"
                                        + " p99 %.0f ms over %d commits; bytes sent / Parquet"
                                        + " bytes %.4f",
                                parallelism,
                                repeats,
                                fileMedian,
                                median.rowsPerSecond,
                                median.rowsPerSecond / fileMedian,
                                median.commitP50,
                                median.commitP99,
                                median.commits,
                                median.bytesRatio));
            }
            summary.add(bench.peakHeap());
            summary.addAll(bench.upsertBytes(maxTable));
            System.out.println();
            System.out.println("==== HotdataSink benchmark ====");
            for (String line : summary) {
                System.out.println(line);
            }
        } finally {
            cluster.after();
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
        System.exit(0);
    }

    /** The rows as a bounded stream, checkpointed every second. */
    private DataStream<RowData> source(StreamExecutionEnvironment env, long count) {
        return env.fromSource(
                new DataGeneratorSource<>(
                        BenchmarkRows::row,
                        count,
                        RateLimiterStrategy.noOp(),
                        InternalTypeInfo.of(BenchmarkRows.ROW_TYPE)),
                WatermarkStrategy.noWatermarks(),
                "rows");
    }

    private static StreamExecutionEnvironment streaming(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(1000);
        return env;
    }

    /** Flink's FileSink with flink-parquet, same codec (ZSTD), int64 timestamps: rows/s. */
    private double fileSink(int parallelism, long count, String label) throws Exception {
        java.nio.file.Path out = work.resolve("filesink-" + label);
        org.apache.hadoop.conf.Configuration hadoop =
                new org.apache.hadoop.conf.Configuration(false);
        hadoop.set("parquet.compression", "ZSTD");
        hadoop.setBoolean("parquet.write.int64.timestamp", true);
        hadoop.set("parquet.timestamp.time.unit", "micros");
        StreamExecutionEnvironment env = streaming(parallelism);
        source(env, count)
                .sinkTo(
                        FileSink.forBulkFormat(
                                        new Path(out.toUri()),
                                        ParquetRowDataBuilder.createWriterFactory(
                                                BenchmarkRows.ROW_TYPE, hadoop, true))
                                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                                .build());
        long start = System.nanoTime();
        env.execute("FileSink " + label);
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes = sizeOf(out);
        System.out.printf(
                "FileSink    %-7s %,10d rows in %6.2f s = %,10.0f rows/s (%,d Parquet bytes)%n",
                label, count, seconds, count / seconds, bytes);
        FileUtils.deleteDirectoryQuietly(out.toFile());
        return count / seconds;
    }

    private static long sizeOf(java.nio.file.Path dir) throws Exception {
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private HotdataSinkBuilder<RowData> sink(String database, String table) {
        HotdataSinkBuilder<RowData> builder = HotdataSink.<RowData>builder();
        Long rolling = Long.getLong("bench.rolling-max-bytes");
        if (rolling != null) {
            builder.setRollingMaxBytes(rolling);
        }
        return builder.setEndpoint(server.endpoint())
                .setApiKey(server.apiKey())
                .setWorkspaceId(server.workspaceId())
                .setDatabase(database)
                .setTable(table)
                .setRowType(BenchmarkRows.ROW_TYPE);
    }

    /** Results of one HotdataSink run. */
    private static final class Run {
        double rowsPerSecond;
        double commitP50;
        double commitP99;
        long commits;
        double bytesRatio;
    }

    private Run hotdataSink(int parallelism, long count, String label) throws Exception {
        int mark = server.requestLog().entries().size();
        StreamExecutionEnvironment env = streaming(parallelism);
        source(env, count).sinkTo(sink("bench_" + label, "orders").build());
        long start = System.nanoTime();
        JobExecutionResult result = env.execute("HotdataSink " + label);
        double seconds = (System.nanoTime() - start) / 1e9;

        Run run = new Run();
        run.rowsPerSecond = count / seconds;
        for (Metric metric :
                METRICS.findMetrics(result.getJobID(), "hotdataCommitDurationMs").values()) {
            HistogramStatistics stats = ((Histogram) metric).getStatistics();
            if (stats.size() > 0) {
                run.commitP50 = stats.getQuantile(0.5);
                run.commitP99 = stats.getQuantile(0.99);
                run.commits += stats.size();
            }
        }
        List<RequestLogEntry> log = server.requestLog().entries();
        long sent = 0;
        long parquet = 0;
        for (RequestLogEntry entry : log.subList(mark, log.size())) {
            sent += entry.requestBytes();
            if (entry.method().equals("PUT") && entry.path().startsWith("/_storage/")) {
                parquet += entry.requestBytes();
            }
        }
        run.bytesRatio = parquet == 0 ? Double.NaN : (double) sent / parquet;
        System.out.printf(
                "HotdataSink %-7s %,10d rows in %6.2f s = %,10.0f rows/s (%,d Parquet bytes"
                        + " uploaded, %d commits)%n",
                label, count, seconds, run.rowsPerSecond, parquet, run.commits);
        return run;
    }

    /** One checkpoint of 2 million rows (batch mode): the writers' peak buffered heap. */
    private String peakHeap() throws Exception {
        long count = 2_000_000;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        source(env, count).sinkTo(sink("bench_heap", "orders").build());
        JobExecutionResult result = env.execute("HotdataSink peak heap");
        long peak = 0;
        for (Map.Entry<String, Metric> e :
                METRICS.findMetrics(result.getJobID(), "hotdataPeakBufferedBytes").entrySet()) {
            peak = Math.max(peak, ((Number) ((Gauge<?>) e.getValue()).getValue()).longValue());
        }
        return String.format(
                "peak writer heap (row group buffered) with a %,d-row checkpoint: %.1f MiB per"
                        + " writer (limit 256 MiB)",
                count, peak / 1048576.0);
    }

    /** Bytes an upsert commit of 10,000 changed rows sends, as the table grows 10k → maxTable. */
    private List<String> upsertBytes(long maxTable) throws Exception {
        List<String> lines = new ArrayList<>();
        long changed = 10_000;
        for (long tableRows = 10_000; tableRows <= maxTable; tableRows *= 10) {
            String db = "bench_upsert_" + tableRows;
            StreamExecutionEnvironment base = StreamExecutionEnvironment.getExecutionEnvironment();
            base.setRuntimeMode(RuntimeExecutionMode.BATCH);
            base.setParallelism(2);
            source(base, tableRows)
                    .sinkTo(
                            sink(db, "orders")
                                    .setKeyColumns("order_id")
                                    .setWriteMode(HotdataWriteMode.APPEND)
                                    .build());
            base.execute("upsert base " + tableRows);

            int mark = server.requestLog().entries().size();
            final long rowsInTable = tableRows;
            final long stride = tableRows / (changed / 2);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            env.setParallelism(1);
            env.fromSource(
                            new DataGeneratorSource<>(
                                    index -> {
                                        long id =
                                                index < changed / 2
                                                        ? index * stride
                                                        : rowsInTable + index;
                                        RowData row = BenchmarkRows.row(id + 7);
                                        ((org.apache.flink.table.data.GenericRowData) row)
                                                .setField(0, id);
                                        row.setRowKind(RowKind.UPDATE_AFTER);
                                        return row;
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
            lines.add(
                    String.format(
                            "upsert of %,d changed rows into a table of %,9d rows: sent %,d bytes"
                                    + " for a %,d-byte Parquet batch = %.4f",
                            changed, tableRows, sent, parquet, (double) sent / parquet));
        }
        return lines;
    }
}
