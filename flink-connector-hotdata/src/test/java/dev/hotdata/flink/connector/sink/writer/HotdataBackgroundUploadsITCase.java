package dev.hotdata.flink.connector.sink.writer;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.RetryPolicy;
import dev.hotdata.flink.connector.sink.committer.HotdataUploadedFile;
import dev.hotdata.local.HotdataLocalExtension;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files rolled during a checkpoint interval are uploaded in the background, in order. */
class HotdataBackgroundUploadsITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

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
}
