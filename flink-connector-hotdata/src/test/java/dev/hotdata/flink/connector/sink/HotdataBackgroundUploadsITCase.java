package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.RetryPolicy;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.LoadResult;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.HotdataLocalExtension;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files rolled during a checkpoint interval are uploaded in the background, in order; the whole
 * parts of the file being written leave while it grows.
 */
class HotdataBackgroundUploadsITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    /** hotdata-local's smallest part, so that a test file of a few parts stays small. */
    private static final long PART = 5L * 1024 * 1024;

    private static final RowType ROW =
            RowType.of(
                    new LogicalType[] {new BigIntType(false), new VarCharType(200)},
                    new String[] {"id", "text"});

    @TempDir Path dir;

    private HotdataClient client;

    @BeforeEach
    void connect() {
        client =
                new HotdataClient(
                        HotdataClientConfig.builder()
                                .endpoint(HOTDATA.endpoint())
                                .apiKey(HOTDATA.apiKey())
                                .workspaceId(HOTDATA.workspaceId())
                                .uploadPartSize(PART)
                                .retryPolicy(
                                        RetryPolicy.builder()
                                                .maxRetries(0)
                                                .initialBackoff(Duration.ofMillis(10))
                                                .build())
                                .build());
    }

    @AfterEach
    void disconnect() {
        HOTDATA.server().faults().clear();
        client.close();
    }

    private HotdataRollingFiles.LocalFile file(String name, int bytes, long rows)
            throws IOException {
        Path path = dir.resolve(name);
        Files.write(path, new byte[bytes]);
        return new HotdataRollingFiles.LocalFile(path, rows, HotdataUploadedFile.Kind.ROWS);
    }

    @Test
    void uploadsInOrderAndDeletesTheLocalFiles() throws Exception {
        try (HotdataBackgroundUploads uploads = new HotdataBackgroundUploads(client, "t")) {
            HotdataRollingFiles.LocalFile a = file("a", 1000, 1);
            HotdataRollingFiles.LocalFile b = file("b", 2000, 2);
            HotdataRollingFiles.LocalFile c = file("c", 3000, 3);
            uploads.submit(a);
            uploads.submit(b);
            uploads.submit(c);
            assertThat(uploads.hasInFlight()).isTrue();

            List<HotdataUploadedFile> done = uploads.awaitAll();
            assertThat(done).extracting(HotdataUploadedFile::rowCount).containsExactly(1L, 2L, 3L);
            assertThat(done)
                    .extracting(HotdataUploadedFile::sizeBytes)
                    .containsExactly(1000L, 2000L, 3000L);
            assertThat(done).extracting(HotdataUploadedFile::uploadId).doesNotHaveDuplicates();
            assertThat(Files.exists(a.path) || Files.exists(b.path) || Files.exists(c.path))
                    .isFalse();
            assertThat(uploads.hasInFlight()).isFalse();
        }
    }

    @Test
    void aFailedUploadFailsTheCheckpointAndKeepsTheFile() throws Exception {
        HOTDATA.server().faults().failNext(1, "POST", "/v1/uploads", 400, null, "INJECTED");
        try (HotdataBackgroundUploads uploads = new HotdataBackgroundUploads(client, "t")) {
            HotdataRollingFiles.LocalFile a = file("a", 1000, 1);
            uploads.submit(a);
            assertThatThrownBy(uploads::awaitAll)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("INJECTED");
            assertThat(Files.exists(a.path)).isTrue();
            assertThat(uploads.hasInFlight()).isFalse();
        }
    }

    /** Parquet rows of incompressible text, in small row groups, rolled only by the test. */
    private HotdataRollingFiles growingFiles(HotdataBackgroundUploads uploads) {
        return growingFiles(uploads, PART);
    }

    private HotdataRollingFiles growingFiles(HotdataBackgroundUploads uploads, long handOver) {
        return new HotdataRollingFiles(
                new HotdataParquetWriterFactory(
                        ROW,
                        ParquetWriterOptions.builder()
                                .rowGroupSizeBytes(1024 * 1024)
                                .pageSizeBytes(256 * 1024)
                                .build()),
                dir,
                "rows",
                Long.MAX_VALUE,
                HotdataUploadedFile.Kind.ROWS,
                uploads,
                handOver);
    }

    private static void writeRows(HotdataRollingFiles files, long from, long to)
            throws IOException {
        Random random = new Random(from);
        byte[] text = new byte[100];
        for (long id = from; id < to; id++) {
            for (int i = 0; i < text.length; i++) {
                text[i] = (byte) ('a' + random.nextInt(26));
            }
            files.write(GenericRowData.of(id, StringData.fromBytes(text)));
        }
    }

    private int storagePuts() {
        return HOTDATA.server().requestLog().count("PUT", "/_storage/.*");
    }

    private int finalizes() {
        return HOTDATA.server().requestLog().count("POST", "/v1/uploads/[^/]+/finalize");
    }

    @Test
    void wholePartsOfAGrowingFileLeaveBeforeItIsFinished() throws Exception {
        long rows = 200_000; // about 13 MB of Parquet: two whole parts of 5 MiB and a rest
        int putsBefore = storagePuts();
        int finalizesBefore = finalizes();
        try (HotdataBackgroundUploads uploads = new HotdataBackgroundUploads(client, "t");
                HotdataRollingFiles files = growingFiles(uploads)) {
            writeRows(files, 0, rows);
            uploads.awaitIdle();
            // the open file's whole parts are in storage; nothing is finalized yet
            assertThat(storagePuts() - putsBefore).isGreaterThanOrEqualTo(2);
            assertThat(finalizes() - finalizesBefore).isZero();

            List<HotdataRollingFiles.LocalFile> finished = files.drain();
            assertThat(finished).hasSize(1);
            long size = Files.size(finished.get(0).path);
            assertThat(size).isGreaterThan(2 * PART);
            uploads.submit(finished.get(0));
            List<HotdataUploadedFile> done = uploads.awaitAll();

            // one upload of the whole file: the rest went as the last part, then one finalize
            assertThat(done).hasSize(1);
            assertThat(done.get(0).sizeBytes()).isEqualTo(size);
            assertThat(done.get(0).rowCount()).isEqualTo(rows);
            assertThat(storagePuts() - putsBefore).isEqualTo((int) ((size + PART - 1) / PART));
            assertThat(finalizes() - finalizesBefore).isEqualTo(1);
            assertThat(Files.exists(finished.get(0).path)).isFalse();

            // the bytes arrived intact: the server reads every row of the Parquet file
            String db = newDatabase();
            LoadResult loaded =
                    client.load(
                            db,
                            "public",
                            "grown",
                            LoadRequest.builder()
                                    .mode(LoadMode.APPEND)
                                    .uploadId(done.get(0).uploadId())
                                    .build());
            assertThat(loaded.rowCount()).isEqualTo(rows);
        }
    }

    @Test
    void partsAreCutAtTheSessionsPartSizeNotTheRequestedOne() throws Exception {
        // asks for 1 MiB parts; hotdata-local clamps to its 5 MiB minimum, and the parts follow
        // the session (a part smaller than the minimum would fail the finalize)
        try (HotdataClient smallParts =
                        new HotdataClient(
                                client.config().toBuilder().uploadPartSize(1024 * 1024).build());
                HotdataBackgroundUploads uploads = new HotdataBackgroundUploads(smallParts, "t");
                HotdataRollingFiles files = growingFiles(uploads, 1024 * 1024)) {
            int putsBefore = storagePuts();
            writeRows(files, 0, 200_000);
            List<HotdataRollingFiles.LocalFile> finished = files.drain();
            long size = Files.size(finished.get(0).path);
            uploads.submit(finished.get(0));
            assertThat(uploads.awaitAll())
                    .singleElement()
                    .extracting(HotdataUploadedFile::sizeBytes)
                    .isEqualTo(size);
            assertThat(storagePuts() - putsBefore).isEqualTo((int) ((size + PART - 1) / PART));
        }
    }

    @Test
    void aFileThatNeverGrowsToAPartIsUploadedWhole() throws Exception {
        int putsBefore = storagePuts();
        try (HotdataBackgroundUploads uploads = new HotdataBackgroundUploads(client, "t");
                HotdataRollingFiles files = growingFiles(uploads)) {
            writeRows(files, 0, 1_000);
            uploads.awaitIdle();
            assertThat(storagePuts() - putsBefore).isZero();
            List<HotdataRollingFiles.LocalFile> finished = files.drain();
            assertThat(finished.get(0).growing).isNull();
            uploads.submit(finished.get(0));
            assertThat(uploads.awaitAll())
                    .singleElement()
                    .extracting(HotdataUploadedFile::rowCount)
                    .isEqualTo(1_000L);
            assertThat(storagePuts() - putsBefore).isEqualTo(1);
        }
    }

    @Test
    void aFailedPartFailsTheCheckpointWhenTheFileIsHandedOver() throws Exception {
        HOTDATA.server().faults().failNext(1, "PUT", "/_storage/.*", 400, null, "INJECTED");
        int finalizesBefore = finalizes();
        try (HotdataBackgroundUploads uploads = new HotdataBackgroundUploads(client, "t");
                HotdataRollingFiles files = growingFiles(uploads)) {
            writeRows(files, 0, 200_000);
            List<HotdataRollingFiles.LocalFile> finished = files.drain();
            uploads.submit(finished.get(0));
            assertThatThrownBy(uploads::awaitAll)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("400");
            // never finalized, so never loadable; the local file stays for the retry
            assertThat(finalizes() - finalizesBefore).isZero();
            assertThat(Files.exists(finished.get(0).path)).isTrue();
        }
    }

    private String newDatabase() throws Exception {
        return client.createDatabase(
                        CreateDatabaseRequest.builder().name("db_" + UUID.randomUUID()).build())
                .id();
    }
}
