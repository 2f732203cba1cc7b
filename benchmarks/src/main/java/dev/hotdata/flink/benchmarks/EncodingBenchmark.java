package dev.hotdata.flink.benchmarks;

import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetCompression;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.formats.parquet.row.ParquetRowDataBuilder;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.FileUtils;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Encoding alone, one thread, no Flink job: the same rows through flink-parquet's writer (what
 * {@code FileSink} uses) and through the connector's format package, each to a local file. Reports
 * the encoding thread's CPU time per row, which a shared machine disturbs much less than wall time,
 * and the file sizes. Interleaved repetitions, medians.
 */
public final class EncodingBenchmark {

    private EncodingBenchmark() {}

    /** Runs it; {@code -Dbench.encode.rows} (default 1,000,000), {@code -Dbench.repeats} (3). */
    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.encode.rows", 1_000_000L);
        int repeats = Integer.getInteger("bench.repeats", 3);
        Path dir = Files.createTempDirectory("hotdata-encode-");
        try {
            if ("hotdata".equals(System.getProperty("bench.encode.only"))) {
                // for a profiler: the connector's path alone
                for (int r = 0; r < repeats; r++) {
                    hotdata(dir, rows, options());
                }
                return;
            }
            // warm-up of both paths
            flinkParquet(dir, Math.min(rows, 300_000));
            hotdata(dir, Math.min(rows, 300_000), options());
            List<double[]> flink = new ArrayList<>();
            List<double[]> ours = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                flink.add(flinkParquet(dir, rows));
                ours.add(hotdata(dir, rows, options()));
            }
            List<Double> made = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                made.add(generation(rows));
            }
            Collections.sort(made);
            double g = made.get(made.size() / 2);
            double[] f = median(flink);
            double[] h = median(ours);
            System.out.printf(
                    "%nEncoding %,d rows, one thread (median of %d):%n"
                            + "  flink-parquet  %6.0f ns CPU/row  %6.0f ns wall/row  %,d bytes%n"
                            + "  hotdata format %6.0f ns CPU/row  %6.0f ns wall/row  %,d bytes%n"
                            + "  CPU ratio flink-parquet / hotdata = %.2f%n"
                            + "  making the rows alone: %.0f ns CPU/row; encoding alone:"
                            + " flink-parquet %.0f, hotdata %.0f ns CPU/row, ratio %.2f%n",
                    rows,
                    repeats,
                    f[0],
                    f[1],
                    (long) f[2],
                    h[0],
                    h[1],
                    (long) h[2],
                    f[0] / h[0],
                    g,
                    f[0] - g,
                    h[0] - g,
                    (f[0] - g) / (h[0] - g));
        } finally {
            FileUtils.deleteDirectoryQuietly(dir.toFile());
        }
    }

    /**
     * The connector's defaults, or another codec with {@code -Dbench.encode.codec}, another ZSTD
     * level with {@code -Dbench.zstd-level}.
     */
    private static ParquetWriterOptions options() {
        ParquetWriterOptions.Builder options = ParquetWriterOptions.builder();
        String codec = System.getProperty("bench.encode.codec");
        if (codec != null) {
            options.compression(ParquetCompression.valueOf(codec));
        }
        Integer level = Integer.getInteger("bench.zstd-level");
        if (level != null) {
            options.zstdLevel(level);
        }
        return options.build();
    }

    /** Making the rows alone, the part of every figure that is not encoding. */
    private static double generation(long rows) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = mx.getCurrentThreadCpuTime();
        long sink = 0;
        for (long i = 0; i < rows; i++) {
            RowData row = BenchmarkRows.row(i);
            // touch the strings as both writers do, so their UTF-8 bytes are made here too
            sink += row.getString(7).toBytes().length + row.getInt(1);
        }
        double perRow = (double) (mx.getCurrentThreadCpuTime() - cpu) / rows;
        if (sink == 42) {
            System.out.println(); // keeps the loop from being optimised away
        }
        return perRow;
    }

    /** The median run by CPU time. */
    private static double[] median(List<double[]> runs) {
        List<double[]> sorted = new ArrayList<>(runs);
        Collections.sort(sorted, (a, b) -> Double.compare(a[0], b[0]));
        return sorted.get(sorted.size() / 2);
    }

    private static double[] flinkParquet(Path dir, long rows) throws Exception {
        Path file = dir.resolve("flink.parquet");
        Files.deleteIfExists(file);
        ParquetWriterFactory<RowData> factory =
                ParquetRowDataBuilder.createWriterFactory(
                        BenchmarkRows.ROW_TYPE, FileSinkParquet.hadoopConf(), true);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = mx.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        try (FSDataOutputStream out =
                FileSystem.getLocalFileSystem()
                        .create(
                                new org.apache.flink.core.fs.Path(file.toUri()),
                                FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<RowData> writer = factory.create(out);
            for (long i = 0; i < rows; i++) {
                writer.addElement(BenchmarkRows.row(i));
            }
            writer.finish();
        }
        return result("flink-parquet", rows, mx, cpu, wall, file);
    }

    private static double[] hotdata(Path dir, long rows, ParquetWriterOptions options)
            throws Exception {
        Path file = dir.resolve("hotdata.parquet");
        Files.deleteIfExists(file);
        HotdataParquetWriterFactory factory =
                new HotdataParquetWriterFactory(BenchmarkRows.ROW_TYPE, options);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = mx.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        long maxBuffered = 0;
        long maxAllocated = 0;
        try (HotdataParquetFileWriter writer = factory.create(file)) {
            long rollAt = Long.MAX_VALUE;
            for (long i = 0; i < rows; i++) {
                writer.write(BenchmarkRows.row(i));
                // what the sink's rolling files ask after every row (and every 1024 rows)
                if ((i & 1023) == 0) {
                    maxBuffered = Math.max(maxBuffered, writer.bufferedBytes());
                    if ((i & 65535) == 0) {
                        // walks every column's buffers: rarely, so it does not weigh on the time
                        maxAllocated = Math.max(maxAllocated, writer.allocatedBytes());
                    }
                }
                if (writer.estimatedSizeBytes() >= rollAt) {
                    throw new IllegalStateException("unreachable");
                }
            }
            writer.finish();
        }
        double[] r = result("hotdata", rows, mx, cpu, wall, file);
        System.out.printf(
                "  %-14s row group in heap: peak %.1f MiB buffered, %.1f MiB allocated"
                        + " (row groups of %d MiB)%n",
                "",
                maxBuffered / 1048576.0,
                maxAllocated / 1048576.0,
                options.rowGroupSizeBytes() >> 20);
        return r;
    }

    private static double[] result(
            String name, long rows, ThreadMXBean mx, long cpuStart, long wallStart, Path file)
            throws Exception {
        double cpu = (double) (mx.getCurrentThreadCpuTime() - cpuStart) / rows;
        double wall = (double) (System.nanoTime() - wallStart) / rows;
        long size = Files.size(file);
        System.out.printf(
                "  %-14s %,d rows: %5.0f ns CPU/row, %5.0f ns wall/row, %,d bytes%n",
                name, rows, cpu, wall, size);
        return new double[] {cpu, wall, size};
    }
}
