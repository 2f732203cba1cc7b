package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.CreateUploadRequest;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.client.model.UploadSession;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.fault.FaultInjector;
import dev.hotdata.local.fault.RequestLogEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link HotdataClient#createUploads} and {@link HotdataClient#uploadFiles} against hotdata-local:
 * one round trip for the sessions, order, single and multipart files, retry, the fallback for a
 * server without the route and for a batch with an invalid entry.
 */
class HotdataUploadsBatchITCase {

    private static final String PARQUET = "application/vnd.apache.parquet";

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    @TempDir Path dir;

    private HotdataLocalServer server;
    private final List<HotdataClient> clients = new ArrayList<>();
    private int logStart;

    @BeforeEach
    void connect() {
        server = HOTDATA.server();
        logStart = server.requestLog().entries().size();
    }

    @AfterEach
    void disconnect() {
        server.faults().clear();
        clients.forEach(HotdataClient::close);
    }

    private HotdataClient client(HotdataClientConfig.Builder config) {
        HotdataClient c = new HotdataClient(config.build());
        clients.add(c);
        return c;
    }

    private HotdataClientConfig.Builder config() {
        return HotdataClientConfig.builder()
                .endpoint(server.endpoint())
                .apiKey(server.apiKey())
                .workspaceId(server.workspaceId())
                .retryPolicy(
                        RetryPolicy.builder()
                                .maxRetries(3)
                                .initialBackoff(Duration.ofMillis(20))
                                .maxBackoff(Duration.ofMillis(100))
                                .build());
    }

    private HotdataClient client() {
        return client(config());
    }

    /** Requests of this test (since {@link #connect()}). */
    private List<RequestLogEntry> requests(String method, String pathRegex) {
        return server.requestLog().entries().stream()
                .skip(logStart)
                .filter(r -> r.method().equals(method) && r.path().matches(pathRegex))
                .collect(Collectors.toList());
    }

    private int count(String method, String pathRegex) {
        return requests(method, pathRegex).size();
    }

    /** A Parquet file of ids {@code from .. from+rows-1} with an incompressible text column. */
    private Path parquet(String name, long from, long rows) throws Exception {
        Path file = dir.resolve(name + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute(
                    "COPY (SELECT range AS id, md5(CAST(range AS VARCHAR)) AS s FROM range("
                            + from
                            + ", "
                            + (from + rows)
                            + ")) TO '"
                            + file
                            + "' (FORMAT parquet, COMPRESSION uncompressed)");
        }
        return file;
    }

    /** Appends each upload into a new table {@code public.t}; returns (count, sum(id)). */
    private String loadAll(HotdataClient client, List<FinalizedUpload> uploads) throws Exception {
        String db =
                client.createDatabase(
                                CreateDatabaseRequest.builder()
                                        .name("db_" + UUID.randomUUID())
                                        .build())
                        .id();
        client.addSchema(db, SchemaDeclaration.of("public", TableDeclaration.builder("t").build()));
        for (FinalizedUpload u : uploads) {
            client.load(
                    db,
                    "public",
                    "t",
                    LoadRequest.builder().mode(LoadMode.APPEND).uploadId(u.uploadId()).build());
        }
        return client.query(db, "SELECT count(*), sum(id) FROM public.t").rows().toString();
    }

    private static void assertInOrder(List<FinalizedUpload> uploads, List<Path> files)
            throws Exception {
        assertThat(uploads).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            assertThat(uploads.get(i).sizeBytes())
                    .as("upload %d", i)
                    .isEqualTo(Files.size(files.get(i)));
            assertThat(uploads.get(i).status()).isEqualTo("ready");
        }
        assertThat(uploads.stream().map(FinalizedUpload::uploadId).collect(Collectors.toSet()))
                .hasSize(files.size());
    }

    @Test
    void threeFilesOpenTheirSessionsInOneRoundTripAndLoadInOrder() throws Exception {
        HotdataClient client = client();
        // sizes differ, so each finalized upload's size names its file
        List<Path> files =
                Arrays.asList(parquet("a", 0, 10), parquet("b", 10, 200), parquet("c", 210, 40));

        List<FinalizedUpload> uploads = client.uploadFiles(files, PARQUET);

        assertInOrder(uploads, files);
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(1);
        assertThat(count("POST", "/v1/uploads")).isZero();
        assertThat(count("PUT", "/_storage/.*")).isEqualTo(3);
        assertThat(count("POST", "/v1/uploads/[^/]+/finalize")).isEqualTo(3);
        // 250 rows, ids 0..249
        assertThat(loadAll(client, uploads)).isEqualTo("[[250, 31125]]");
    }

    @Test
    void singleAndMultipartFilesGoTogether() throws Exception {
        Path small1 = parquet("s1", 0, 5);
        Path large = parquet("l", 5, 2000);
        Path small2 = parquet("s2", 2005, 5);
        long threshold = Math.max(Files.size(small1), Files.size(small2));
        assertThat(Files.size(large)).isGreaterThan(threshold);
        HotdataClient client = client(config().singleUploadMaxBytes(threshold));
        List<Path> files = Arrays.asList(small1, large, small2);

        List<FinalizedUpload> uploads = client.uploadFiles(files, PARQUET);

        assertInOrder(uploads, files);
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(1);
        assertThat(count("POST", "/v1/uploads")).isZero();
        // the large file is a streaming multipart upload: its part URL is minted
        assertThat(count("POST", "/v1/uploads/[^/]+/parts")).isEqualTo(1);
        assertThat(count("PUT", "/_storage/.*")).isEqualTo(3);
        assertThat(loadAll(client, uploads)).isEqualTo("[[2010, " + (2009L * 2010 / 2) + "]]");
    }

    @Test
    void createUploadsKeepsTheOrderAndIsRetriedOn503() throws Exception {
        HotdataClient client = client();
        server.faults().failNext(1, "POST", "/v1/uploads/batch", 503);

        List<UploadSession> sessions =
                client.createUploads(
                        Arrays.asList(
                                CreateUploadRequest.builder().declaredSizeBytes(10L).build(),
                                CreateUploadRequest.builder().contentType(PARQUET).build(),
                                CreateUploadRequest.builder().declaredSizeBytes(20L).build()));

        assertThat(sessions)
                .extracting(UploadSession::mode)
                .containsExactly("single", "multipart", "single");
        assertThat(
                        new HashSet<>(
                                sessions.stream()
                                        .map(UploadSession::uploadId)
                                        .collect(Collectors.toList())))
                .hasSize(3);
        assertThat(requests("POST", "/v1/uploads/batch"))
                .extracting(RequestLogEntry::status)
                .containsExactly(503, 201);
        assertThat(count("POST", "/v1/uploads")).isZero();
        // a session of the batch works like any other: PUT 10 bytes, finalize
        UploadSession first = sessions.get(0);
        client.putToStorage(first.url(), first.headers(), new byte[10], 0, 10);
        assertThat(
                        client.finalizeUpload(
                                        first.uploadId(), first.finalizeToken(), new ArrayList<>())
                                .sizeBytes())
                .isEqualTo(10);
    }

    @Test
    void moreThanOneBatchOfRequestsTakesOneCallPerHundred() throws Exception {
        HotdataClient client = client();
        List<CreateUploadRequest> requests = new ArrayList<>();
        for (int i = 0; i < HotdataUploads.MAX_BATCH + 20; i++) {
            requests.add(CreateUploadRequest.builder().declaredSizeBytes(i + 1L).build());
        }
        assertThat(client.createUploads(requests)).hasSize(HotdataUploads.MAX_BATCH + 20);
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(2);
        assertThat(client.createUploads(new ArrayList<>())).isEmpty();
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(2);
    }

    @Test
    void aServerWithoutTheRouteIsAskedOnceThenSessionsOpenOneByOne() throws Exception {
        // the route answers 404 as a server without it would
        server.faults().failNext(FaultInjector.ALWAYS, "POST", "/v1/uploads/batch", 404);
        HotdataClient client = client();
        List<Path> files =
                Arrays.asList(parquet("x", 0, 3), parquet("y", 3, 4), parquet("z", 7, 5));

        List<FinalizedUpload> first = client.uploadFiles(files, PARQUET);
        assertInOrder(first, files);
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(1);
        assertThat(count("POST", "/v1/uploads")).isEqualTo(3);

        List<FinalizedUpload> second = client.uploadFiles(files, PARQUET);
        assertInOrder(second, files);
        assertThat(count("POST", "/v1/uploads/batch")).as("remembered").isEqualTo(1);
        assertThat(count("POST", "/v1/uploads")).isEqualTo(6);
        assertThat(loadAll(client, first)).isEqualTo("[[12, 66]]");

        // remembered per client: another client asks again
        client().createUploads(
                        Arrays.asList(
                                CreateUploadRequest.builder().build(),
                                CreateUploadRequest.builder().build()));
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(2);
    }

    @Test
    void aBatchWithAnInvalidEntryFailsWithThatEntrysOwnError() throws Exception {
        HotdataClient client = client();
        List<CreateUploadRequest> requests =
                Arrays.asList(
                        CreateUploadRequest.builder().declaredSizeBytes(10L).build(),
                        CreateUploadRequest.builder()
                                .declaredSizeBytes(10L)
                                .checksumAlgo("md5")
                                .checksumValue("x")
                                .build(),
                        CreateUploadRequest.builder().declaredSizeBytes(10L).build());

        assertThatThrownBy(() -> client.createUploads(requests))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.request()).isEqualTo("POST /v1/uploads");
                        });
        // the batch was refused as a whole, then one by one up to the invalid entry
        assertThat(requests("POST", "/v1/uploads/batch"))
                .extracting(RequestLogEntry::status)
                .containsExactly(400);
        assertThat(requests("POST", "/v1/uploads"))
                .extracting(RequestLogEntry::status)
                .containsExactly(201, 400);

        // not taken for a missing route: the next call batches again
        assertThat(client.createUploads(Arrays.asList(requests.get(0), requests.get(2))))
                .hasSize(2);
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(2);
    }

    @Test
    void anExpiredSingleUrlGetsAFreshSessionOnce() throws Exception {
        HotdataClient client = client();
        // the first storage PUT is refused as an expired presigned URL is
        server.faults().failNext(1, "PUT", "/_storage/.*", 403);
        List<Path> files = Arrays.asList(parquet("e1", 0, 3), parquet("e2", 3, 30));

        List<FinalizedUpload> uploads = client.uploadFiles(files, PARQUET);

        assertInOrder(uploads, files);
        assertThat(count("POST", "/v1/uploads/batch")).isEqualTo(1);
        assertThat(count("POST", "/v1/uploads")).isEqualTo(1);
        assertThat(count("PUT", "/_storage/.*")).isEqualTo(3);
        assertThat(loadAll(client, uploads)).isEqualTo("[[33, 528]]");
    }
}
