package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.api.UploadReuse;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures while a writer's open file is uploading part by part. The server takes 64 KiB parts and
 * the writers write 64 KiB row groups, so every checkpoint's file leaves in several parts while it
 * is written; each case injects a failure into that and asserts the table ends up holding exactly
 * the input. The cases after which the restored job re-sends uploads run under each of
 * hotdata-local's readings of a re-sent upload ({@link UploadReuse}).
 */
class HotdataStreamingPartsFailoverITCase {

    private static final long PART = 64 * 1024;

    @RegisterExtension
    static final HotdataLocalExtension HOTDATA =
            new HotdataLocalExtension(b -> b.minPartSize(PART));

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final long ROWS = 300_000;
    private static final String TABLE = "events";
    private static final String PART_PUTS = "/_storage/[^/]+/[1-9][0-9]*";

    private HotdataTestSupport hotdata;
    private HotdataLocalServer server;
    private int logStart;

    @BeforeEach
    void setUp() {
        server = HOTDATA.server();
        hotdata = new HotdataTestSupport(server);
        FailingMapper.reset(server);
        logStart = server.requestLog().entries().size();
    }

    @AfterEach
    void tearDown() {
        server.faults().clear();
        server.readings().reset();
        hotdata.close();
    }

    /** Sets the reading and returns a database name unique to the case and reading. */
    private String under(UploadReuse reuse, String database) {
        server.readings().uploadReuse(reuse);
        return database + "_" + reuse.name().toLowerCase(Locale.ROOT);
    }

    @Test
    void partsUploadWhileFilesAreWritten() throws Exception {
        runJob("parts", null);
        hotdata.assertExactly("parts", TABLE, ROWS);
        // numbered parts exist only in streaming sessions: these files left part by part
        assertThat(count("PUT", PART_PUTS, 200)).isGreaterThan(count("POST", ".*/finalize", 200));
    }

    @Test
    void storageErrorsOnPartsAreRetried() throws Exception {
        server.faults().failNext(4, "PUT", PART_PUTS, 503, null, "SERVICE_UNAVAILABLE");
        runJob("parts_503", null);
        assertThat(count("PUT", PART_PUTS, 503)).isEqualTo(4);
        hotdata.assertExactly("parts_503", TABLE, ROWS);
    }

    @Test
    void aRejectedPartFailsTheCheckpointAndTheJobRecovers() throws Exception {
        server.faults().failNext(1, "PUT", PART_PUTS, 400, null, "INJECTED");
        runJob("parts_400", null);
        assertThat(count("PUT", PART_PUTS, 400)).isEqualTo(1);
        hotdata.assertExactly("parts_400", TABLE, ROWS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void taskFailureWhileAFileIsUploading(UploadReuse reuse) throws Exception {
        String db = under(reuse, "parts_fail");
        runJob(db, new FailingMapper(FailingMapper.Point.WHILE_WRITING, 100_000));
        assertThat(FailingMapper.FAILED).isTrue();
        hotdata.assertExactly(db, TABLE, ROWS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void serverRestartWhileFilesAreUploading(UploadReuse reuse) throws Exception {
        String db = under(reuse, "parts_restart");
        JobClient job = startJob(db, null);
        Conditions.waitUntil(
                "a first part", Duration.ofSeconds(60), () -> count("PUT", PART_PUTS, 200) > 0);
        server.restart();
        job.getJobExecutionResult().get();
        hotdata.assertExactly(db, TABLE, ROWS);
    }

    private void runJob(String database, FailingMapper mapper) throws Exception {
        startJob(database, mapper).getJobExecutionResult().get();
    }

    private JobClient startJob(String database, FailingMapper mapper) throws Exception {
        return FailoverJobs.start(
                hotdata,
                database,
                TABLE,
                ROWS,
                150_000,
                500,
                mapper,
                sink ->
                        sink.setUploadPartSize(PART)
                                .setParquetOptions(
                                        ParquetWriterOptions.builder()
                                                .rowGroupSizeBytes(PART)
                                                .pageSizeBytes(16 * 1024)
                                                .build()));
    }

    /** Requests since this test started with that method, path pattern and status. */
    private long count(String method, String pathRegex, int status) {
        return FailoverJobs.count(server, logStart, method, pathRegex, status);
    }
}
