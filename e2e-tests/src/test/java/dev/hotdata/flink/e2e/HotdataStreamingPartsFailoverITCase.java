package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.api.UploadReuse;

import org.apache.flink.core.execution.JobClient;

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
    static final HotdataE2eEnvironment E2E =
            HotdataE2eEnvironment.withSlots(4).withServer(b -> b.minPartSize(PART));

    private static final long ROWS = 300_000;
    private static final String TABLE = "events";
    private static final String PART_PUTS = "/_storage/[^/]+/[1-9][0-9]*";

    @BeforeEach
    void setUp() {
        FailingMapper.reset(E2E.server());
    }

    /** Sets the reading and returns a database name unique to the case and reading. */
    private String under(UploadReuse reuse, String database) {
        E2E.server().readings().uploadReuse(reuse);
        return database + "_" + reuse.name().toLowerCase(Locale.ROOT);
    }

    @Test
    void partsUploadWhileFilesAreWritten() throws Exception {
        // checkpoints far apart: each writer's file of a checkpoint holds many parts' worth of
        // rows however slowly a busy machine runs the job
        startJob("parts", null, 5_000).getJobExecutionResult().get();
        E2E.hotdata().assertExactly("parts", TABLE, ROWS);
        // numbered parts exist only in streaming sessions: a session with several of them left
        // its file part by part
        java.util.Map<String, Long> partsPerSession =
                E2E.server().requestLog().entries().stream()
                        .skip(E2E.logStart())
                        .filter(r -> r.method().equals("PUT") && r.status() == 200)
                        .filter(r -> r.path().matches(PART_PUTS))
                        .collect(
                                java.util.stream.Collectors.groupingBy(
                                        r -> r.path().replaceAll("/[0-9]+$", ""),
                                        java.util.stream.Collectors.counting()));
        assertThat(partsPerSession.values()).as("parts per streaming session").anyMatch(n -> n > 1);
    }

    @Test
    void storageErrorsOnPartsAreRetried() throws Exception {
        E2E.server().faults().failNext(4, "PUT", PART_PUTS, 503, null, "SERVICE_UNAVAILABLE");
        runJob("parts_503", null);
        assertThat(count("PUT", PART_PUTS, 503)).isEqualTo(4);
        E2E.hotdata().assertExactly("parts_503", TABLE, ROWS);
    }

    @Test
    void aRejectedPartFailsTheCheckpointAndTheJobRecovers() throws Exception {
        E2E.server().faults().failNext(1, "PUT", PART_PUTS, 400, null, "INJECTED");
        runJob("parts_400", null);
        assertThat(count("PUT", PART_PUTS, 400)).isEqualTo(1);
        E2E.hotdata().assertExactly("parts_400", TABLE, ROWS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void taskFailureWhileAFileIsUploading(UploadReuse reuse) throws Exception {
        String db = under(reuse, "parts_fail");
        runJob(db, new FailingMapper(FailingMapper.Point.WHILE_WRITING, 100_000));
        assertThat(FailingMapper.FAILED).isTrue();
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
    }

    @ParameterizedTest
    @EnumSource(UploadReuse.class)
    void serverRestartWhileFilesAreUploading(UploadReuse reuse) throws Exception {
        String db = under(reuse, "parts_restart");
        JobClient job = startJob(db, null);
        Conditions.waitUntil(
                "a first part", Duration.ofSeconds(60), () -> count("PUT", PART_PUTS, 200) > 0);
        E2E.server().restart();
        job.getJobExecutionResult().get();
        E2E.hotdata().assertExactly(db, TABLE, ROWS);
    }

    private void runJob(String database, FailingMapper mapper) throws Exception {
        startJob(database, mapper).getJobExecutionResult().get();
    }

    private JobClient startJob(String database, FailingMapper mapper) throws Exception {
        return startJob(database, mapper, 500);
    }

    private JobClient startJob(String database, FailingMapper mapper, long checkpointMillis)
            throws Exception {
        return FailoverJobs.start(
                E2E.hotdata(),
                database,
                TABLE,
                ROWS,
                150_000,
                checkpointMillis,
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
        return FailoverJobs.count(E2E.server(), E2E.logStart(), method, pathRegex, status);
    }
}
