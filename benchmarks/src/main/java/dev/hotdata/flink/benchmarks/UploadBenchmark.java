package dev.hotdata.flink.benchmarks;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.fault.RequestLogEntry;

import org.apache.flink.util.FileUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The client's upload path alone: Parquet files of the benchmark rows (the size one writer produces
 * per checkpoint, and smaller and larger) uploaded and finalized into hotdata-local on loopback,
 * repeatedly, one at a time as a writer does at a checkpoint barrier. Prints the median and the
 * slowest latency per size, which is what a barrier waits for.
 */
public final class UploadBenchmark {

    private UploadBenchmark() {}

    /** Runs it; {@code -Dbench.upload.repeats} (default 15). */
    public static void main(String[] args) throws Exception {
        int repeats = Integer.getInteger("bench.upload.repeats", 15);
        Path work = Files.createTempDirectory("hotdata-upload-bench-");
        try (HotdataLocalServer server =
                        HotdataLocalServer.builder()
                                .host("127.0.0.1")
                                .port(0)
                                .dataDir(work.resolve("hotdata-local"))
                                .build()
                                .start();
                HotdataClient client =
                        new HotdataClient(
                                HotdataClientConfig.builder()
                                        .endpoint(server.endpoint())
                                        .apiKey(server.apiKey())
                                        .workspaceId(server.workspaceId())
                                        .build())) {
            List<String> lines = new ArrayList<>();
            for (long rows : new long[] {150_000, 500_000, 1_500_000}) {
                Path file = parquet(work, rows);
                long size = Files.size(file);
                // warm-up
                for (int i = 0; i < 3; i++) {
                    client.uploadFile(file, "application/vnd.apache.parquet");
                }
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < repeats; i++) {
                    long start = System.nanoTime();
                    client.uploadFile(file, "application/vnd.apache.parquet");
                    millis.add((System.nanoTime() - start) / 1e6);
                }
                if (Boolean.getBoolean("bench.trace")) {
                    // one more upload, its requests by the time the server answered them
                    int mark = server.requestLog().entries().size();
                    long t0 = System.currentTimeMillis();
                    client.uploadFile(file, "application/vnd.apache.parquet");
                    long t1 = System.currentTimeMillis();
                    List<RequestLogEntry> log = server.requestLog().entries();
                    for (RequestLogEntry e : log.subList(mark, log.size())) {
                        System.out.printf(
                                "  +%4d ms %-5s %-50.50s %,d bytes%n",
                                e.timestampMillis() - t0, e.method(), e.path(), e.requestBytes());
                    }
                    System.out.printf("  +%4d ms returned%n", t1 - t0);
                }
                Collections.sort(millis);
                lines.add(
                        String.format(
                                "upload + finalize of %,11d bytes: median %6.1f ms, max %6.1f ms"
                                        + " (%d uploads) = %.0f MB/s",
                                size,
                                millis.get(millis.size() / 2),
                                millis.get(millis.size() - 1),
                                repeats,
                                size / 1e3 / millis.get(millis.size() / 2)));
                Files.delete(file);
            }
            System.out.println();
            System.out.println("==== upload benchmark (hotdata-local, loopback) ====");
            lines.forEach(System.out::println);
        } finally {
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
        System.exit(0); // okhttp's idle threads would keep the JVM up for a minute
    }

    private static Path parquet(Path dir, long rows) throws Exception {
        Path file = dir.resolve("rows-" + rows + ".parquet");
        try (HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(
                                BenchmarkRows.ROW_TYPE, ParquetWriterOptions.defaults())
                        .create(file)) {
            for (long i = 0; i < rows; i++) {
                writer.write(BenchmarkRows.row(i));
            }
            writer.finish();
        }
        return file;
    }
}
