package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClock;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.api.LockScope;
import dev.hotdata.local.latency.LatencyProfile;
import dev.hotdata.local.latency.RequestClass;

import org.apache.flink.runtime.metrics.groups.InternalSinkCommitterMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not a test: prints the commit durations of three sinks of one job into one database under
 * hotdata-local's cloud latency profile (scale 1.0), each checkpoint committed by the three
 * committers at once, as Flink notifies them, under each server lock scope (per database: the group
 * learns in its first batch that loads serialize; per table: they run at once). Run with {@code
 * -Dhotdata.measure=true}. Only the committer's long-standing constructor is used, so the same
 * class measures older revisions.
 */
@EnabledIfSystemProperty(named = "hotdata.measure", matches = "true")
class HotdataDatabaseCommitsMeasurement {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private static final RowType ROW =
            RowType.of(
                    new LogicalType[] {new BigIntType(false), new BigIntType()},
                    new String[] {"id", "v"});

    private static final List<String> TABLES = Arrays.asList("a", "b", "c");

    @TempDir Path dir;

    @ParameterizedTest(name = "lock scope {0}")
    @EnumSource(LockScope.class)
    void threeTablesOfOneDatabaseUnderTheCloudProfile(LockScope scope) throws Exception {
        HOTDATA.server().readings().lockScope(scope);
        int checkpoints = Integer.getInteger("hotdata.measure.checkpoints", 20);
        String database = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<HotdataCommitter> committers = new ArrayList<>();
        List<HotdataSinkConfig> configs = new ArrayList<>();
        for (String table : TABLES) {
            HotdataSinkConfig config =
                    HotdataSinkConfigs.of(
                            HotdataSink.<RowData>builder()
                                    .setEndpoint(HOTDATA.endpoint())
                                    .setApiKey(HOTDATA.apiKey())
                                    .setWorkspaceId(HOTDATA.workspaceId())
                                    .setDatabase(database)
                                    .setTable(table)
                                    .setRowType(ROW)
                                    .setWriteMode(HotdataWriteMode.APPEND)
                                    .setSinkId("sink-" + table));
            configs.add(config);
            committers.add(
                    new HotdataCommitter(
                            config,
                            new HotdataClient(config.clientConfig()),
                            "job",
                            -1,
                            InternalSinkCommitterMetricGroup.wrap(
                                    UnregisteredMetricGroups
                                            .createUnregisteredOperatorMetricGroup()),
                            Clock.systemUTC(),
                            HotdataClock.system(),
                            HotdataCommitter.DATABASE_LOCK_WAIT));
        }
        HotdataClient client = new HotdataClient(configs.get(0).clientConfig());
        // set-up without latency: resolution and uploads are not what is measured
        HOTDATA.server().latency().profile(LatencyProfile.NONE);
        List<List<HotdataCommittable>> work = new ArrayList<>();
        for (int cp = 1; cp <= checkpoints + 1; cp++) {
            List<HotdataCommittable> ofCheckpoint = new ArrayList<>();
            for (String table : TABLES) {
                ofCheckpoint.add(
                        new HotdataCommittable(
                                "sink-" + table,
                                "run",
                                cp,
                                Collections.singletonList(upload(client, cp)),
                                false));
            }
            work.add(ofCheckpoint);
        }
        for (int i = 0; i < TABLES.size(); i++) {
            TestCommitRequest first = new TestCommitRequest(work.get(0).get(i));
            committers.get(i).commit(Collections.singletonList(first));
            assertThat(first.succeeded()).isTrue();
        }

        HOTDATA.server().latency().set(LatencyProfile.CLOUD, 1.0, 42);
        HOTDATA.server().latency().clearRecords();
        int appendsBefore =
                HOTDATA.server().requestLog().count("POST", ".*/tables/_flink_commits/loads");
        List<List<Long>> durations = new ArrayList<>();
        for (int i = 0; i < TABLES.size(); i++) {
            durations.add(new ArrayList<>());
        }
        for (int cp = 2; cp <= checkpoints + 1; cp++) {
            ExecutorService threads = Executors.newFixedThreadPool(TABLES.size());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < TABLES.size(); i++) {
                HotdataCommitter committer = committers.get(i);
                TestCommitRequest request = new TestCommitRequest(work.get(cp - 1).get(i));
                futures.add(
                        threads.submit(
                                () -> {
                                    start.await();
                                    long t0 = System.nanoTime();
                                    committer.commit(Collections.singletonList(request));
                                    long ms = (System.nanoTime() - t0) / 1_000_000;
                                    assertThat(request.succeeded()).isTrue();
                                    return ms;
                                }));
            }
            start.countDown();
            for (int i = 0; i < TABLES.size(); i++) {
                durations.get(i).add(futures.get(i).get(5, TimeUnit.MINUTES));
            }
            threads.shutdown();
        }
        int appends =
                HOTDATA.server().requestLog().count("POST", ".*/tables/_flink_commits/loads")
                        - appendsBefore;
        StringBuilder classes = new StringBuilder();
        for (RequestClass c : RequestClass.values()) {
            if (HOTDATA.server().latency().count(c) > 0) {
                classes.append(
                        String.format(
                                " %s: %d (%.0f ms)",
                                c,
                                HOTDATA.server().latency().count(c),
                                HOTDATA.server().latency().totalMillis(c)));
            }
        }
        HOTDATA.server().latency().reset();
        HOTDATA.server().readings().reset();

        List<Long> all = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        report.append(
                String.format(
                        "%nthree tables of one database, lock scope %s, cloud profile (scale 1.0,"
                                + " seed 42), %d checkpoints, one upload per table per"
                                + " checkpoint%n",
                        scope, checkpoints));
        for (int i = 0; i < TABLES.size(); i++) {
            all.addAll(durations.get(i));
            report.append(
                    String.format(
                            "table %s: commit p50 %d ms, p99 %d ms, max %d ms%n",
                            TABLES.get(i),
                            percentile(durations.get(i), 50),
                            percentile(durations.get(i), 99),
                            percentile(durations.get(i), 100)));
        }
        report.append(
                String.format(
                        "all: commit p50 %d ms, p99 %d ms; log appends per checkpoint %.2f%n",
                        percentile(all, 50), percentile(all, 99), appends / (double) checkpoints));
        report.append("delays drawn:").append(classes).append(String.format("%n"));
        System.out.println(report);
        committers.forEach(HotdataCommitter::close);
        client.close();
    }

    private HotdataUploadedFile upload(HotdataClient client, long cp) throws Exception {
        Path file = dir.resolve(UUID.randomUUID() + ".parquet");
        HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(ROW, ParquetWriterOptions.builder().build())
                        .create(file);
        writer.write(GenericRowData.of(cp, cp));
        writer.finish();
        FinalizedUpload upload = client.uploadFile(file, HotdataParquetFileWriter.CONTENT_TYPE);
        return new HotdataUploadedFile(
                upload.uploadId(), HotdataUploadedFile.Kind.ROWS, 1, writer.fileSizeBytes());
    }

    /** The nearest-rank percentile. */
    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
