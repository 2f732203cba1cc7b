package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.FinalizedUpload;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Uploads against a tiny in-test Hotdata + storage server: single and multipart flows, storage PUT
 * headers, part failures, and the memory bound of streaming uploads.
 */
class HotdataClientUploadTest extends MockHotdata {

    private static final int MIB = 1024 * 1024;

    /**
     * Plays Hotdata's upload endpoints and a presigned storage. Storage bodies are counted (and,
     * when asked, kept per part) but otherwise discarded.
     */
    final class UploadServer extends Dispatcher {
        final long partSize;
        final boolean keepBodies;
        final Map<Integer, byte[]> parts = new ConcurrentHashMap<>();
        final List<RecordedRequest> storagePuts = new CopyOnWriteArrayList<>();
        final List<JsonNode> finalizeBodies = new CopyOnWriteArrayList<>();
        final List<JsonNode> createBodies = new CopyOnWriteArrayList<>();
        final AtomicLong receivedBytes = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger mints = new AtomicInteger();
        CountDownLatch firstWave;
        volatile String singleMode = "single";

        /** Status codes to answer for the first PUTs of a part, then 200. */
        final Map<Integer, List<Integer>> failPart = new ConcurrentHashMap<>();

        UploadServer(long partSize, boolean keepBodies) {
            this.partSize = partSize;
            this.keepBodies = keepBodies;
        }

        private String storageUrl(String suffix) {
            return server.url("/storage/" + suffix)
                    .newBuilder()
                    .addQueryParameter("X-Amz-Signature", "SIG")
                    .build()
                    .toString();
        }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            try {
                String path = r.getRequestUrl().encodedPath();
                if (path.startsWith("/storage/")) {
                    return storage(r, path);
                }
                if (path.equals("/v1/uploads")) {
                    JsonNode body = PLAIN.readTree(r.getBody().readUtf8());
                    createBodies.add(body);
                    if (body.has("declared_size_bytes") && singleMode.equals("multipart")) {
                        long size = body.get("declared_size_bytes").asLong();
                        StringBuilder urls = new StringBuilder();
                        for (long i = 1; (i - 1) * partSize < size; i++) {
                            urls.append(i == 1 ? "" : ",")
                                    .append('"')
                                    .append(storageUrl("upl_1/" + i))
                                    .append('"');
                        }
                        return json(
                                201,
                                "{\"upload_id\":\"upl_1\",\"finalize_token\":\"tok\",\"mode\":\"multipart\","
                                        + "\"headers\":{},\"part_size\":"
                                        + partSize
                                        + ",\"part_urls\":["
                                        + urls
                                        + "]}");
                    }
                    if (body.has("declared_size_bytes")) {
                        return json(
                                201,
                                "{\"upload_id\":\"upl_1\",\"finalize_token\":\"tok\",\"mode\":\""
                                        + singleMode
                                        + "\","
                                        + "\"headers\":{\"x-amz-meta-origin\":\"test\"},"
                                        + "\"url\":\""
                                        + storageUrl("upl_1/single")
                                        + "\","
                                        + "\"part_size\":"
                                        + partSize
                                        + "}");
                    }
                    return json(
                            201,
                            "{\"upload_id\":\"upl_1\",\"finalize_token\":\"tok\",\"mode\":\"multipart\","
                                    + "\"headers\":{},\"part_size\":"
                                    + partSize
                                    + "}");
                }
                if (path.equals("/v1/uploads/upl_1/parts")) {
                    mints.incrementAndGet();
                    JsonNode body = PLAIN.readTree(r.getBody().readUtf8());
                    StringBuilder sb = new StringBuilder("{\"parts\":[");
                    for (int i = 0; i < body.get("part_numbers").size(); i++) {
                        int n = body.get("part_numbers").get(i).asInt();
                        sb.append(i == 0 ? "" : ",")
                                .append("{\"part_number\":")
                                .append(n)
                                .append(",\"url\":\"")
                                .append(storageUrl("upl_1/" + n))
                                .append("\"}");
                    }
                    return json(200, sb.append("]}").toString());
                }
                if (path.equals("/v1/uploads/upl_1/finalize")) {
                    finalizeBodies.add(PLAIN.readTree(r.getBody().readUtf8()));
                    return json(
                            200,
                            "{\"upload_id\":\"upl_1\",\"status\":\"ready\",\"size_bytes\":"
                                    + receivedBytes.get()
                                    + ",\"created_at\":\"t\"}");
                }
                return error(404, "NOT_FOUND", "no route " + path);
            } catch (IOException | InterruptedException e) {
                return error(500, "INTERNAL_SERVER_ERROR", e.toString());
            }
        }

        private MockResponse storage(RecordedRequest r, String path) throws InterruptedException {
            storagePuts.add(r);
            String last = path.substring(path.lastIndexOf('/') + 1);
            int part = last.equals("single") ? 0 : Integer.parseInt(last);
            List<Integer> failures = failPart.get(part);
            if (failures != null && !failures.isEmpty()) {
                return new MockResponse()
                        .setResponseCode(failures.remove(0))
                        .setBody("<Error><Code>Nope</Code></Error>");
            }
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                CountDownLatch wave = firstWave;
                if (wave != null) {
                    wave.countDown();
                    // hold the first PUTs until as many run at once as the client allows (bounded)
                    wave.await(5, TimeUnit.SECONDS);
                }
                receivedBytes.addAndGet(r.getBodySize());
                if (keepBodies) {
                    parts.put(part, r.getBody().readByteArray());
                }
                return new MockResponse()
                        .setResponseCode(200)
                        .setHeader("ETag", "\"etag-" + part + "\"");
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void smallFileIsOneStoragePutWithoutCredentials(@TempDir Path dir) throws Exception {
        UploadServer us = new UploadServer(5 * MIB, true);
        server.setDispatcher(us);
        byte[] data = randomBytes(300_000, 1);
        Path file = dir.resolve("small.parquet");
        Files.write(file, data);

        FinalizedUpload f = client.uploadFile(file, "application/vnd.apache.parquet");

        assertThat(f.uploadId()).isEqualTo("upl_1");
        assertThat(f.sizeBytes()).isEqualTo(data.length);
        assertThat(us.createBodies.get(0))
                .isEqualTo(
                        tree(
                                "{\"declared_size_bytes\":300000,\"content_type\":\"application/vnd.apache.parquet\","
                                        + "\"filename\":\"small.parquet\"}"));
        assertThat(us.storagePuts).hasSize(1);
        RecordedRequest put = us.storagePuts.get(0);
        assertThat(put.getMethod()).isEqualTo("PUT");
        assertThat(put.getRequestUrl().queryParameter("X-Amz-Signature")).isEqualTo("SIG");
        assertThat(put.getHeader("Authorization")).isNull();
        assertThat(put.getHeader("X-Workspace-Id")).isNull();
        assertThat(put.getHeader("X-Upload-Finalize-Token")).isNull();
        assertThat(put.getHeader("Content-Type")).isNull();
        assertThat(put.getHeader("Content-Length")).isEqualTo("300000");
        assertThat(put.getHeader("x-amz-meta-origin")).isEqualTo("test");
        assertThat(us.parts.get(0)).isEqualTo(data);
        assertThat(us.finalizeBodies).containsExactly(tree("{}"));
    }

    @Test
    void largeFileIsStreamingMultipartFromFileRanges(@TempDir Path dir) throws Exception {
        UploadServer us = new UploadServer(MIB, true);
        server.setDispatcher(us);
        useConfig(config().singleUploadMaxBytes(2 * MIB).uploadPartSize(MIB).build());
        byte[] data = randomBytes(5 * MIB + 123, 2);
        Path file = dir.resolve("big.parquet");
        Files.write(file, data);

        client.uploadFile(file, "application/vnd.apache.parquet");

        assertThat(us.createBodies.get(0).has("declared_size_bytes")).isFalse();
        assertThat(us.createBodies.get(0).get("part_size").asLong()).isEqualTo(MIB);
        assertThat(us.parts).hasSize(6);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 1; i <= 6; i++) {
            joined.write(us.parts.get(i));
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
        JsonNode fin = us.finalizeBodies.get(0).get("parts");
        assertThat(fin).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(fin.get(i).get("part_number").asInt()).isEqualTo(i + 1);
            assertThat(fin.get(i).get("e_tag").asText()).isEqualTo("\"etag-" + (i + 1) + "\"");
        }
        assertThat(client.uploader().buffersAllocated()).isZero();
        for (RecordedRequest put : us.storagePuts) {
            assertThat(put.getHeader("Authorization")).isNull();
        }
    }

    @Test
    void eagerMultipartUsesTheSessionsPartUrls(@TempDir Path dir) throws Exception {
        UploadServer us = new UploadServer(MIB, true);
        us.singleMode = "multipart"; // declared size, and the server chose eager multipart
        server.setDispatcher(us);
        byte[] data = randomBytes(2 * MIB + 5, 3);
        Path file = dir.resolve("f.bin");
        Files.write(file, data);
        client.uploadFile(file, "application/octet-stream");
        assertThat(us.parts).hasSize(3);
        assertThat(us.mints.get()).isZero();
        assertThat(us.finalizeBodies.get(0).get("parts")).hasSize(3);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 1; i <= 3; i++) {
            joined.write(us.parts.get(i));
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
    }

    @Test
    void streamUploadReassemblesAndFinalizesInOrder() throws Exception {
        UploadServer us = new UploadServer(MIB, true);
        server.setDispatcher(us);
        byte[] data = randomBytes(3 * MIB + 17, 4);
        FinalizedUpload f = client.uploadStream(new ByteArrayInputStream(data), "text/csv");
        assertThat(f.sizeBytes()).isEqualTo(data.length);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 1; i <= 4; i++) {
            joined.write(us.parts.get(i));
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
        assertThat(us.createBodies.get(0))
                .isEqualTo(tree("{\"part_size\":8388608,\"content_type\":\"text/csv\"}"));
    }

    @Test
    void emptyStreamIsRejectedWithoutFinalize() {
        UploadServer us = new UploadServer(MIB, false);
        server.setDispatcher(us);
        assertThatThrownBy(
                        () ->
                                client.uploadStream(
                                        new ByteArrayInputStream(new byte[0]), "text/csv"))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.EMPTY_UPLOAD));
        assertThat(us.finalizeBodies).isEmpty();
        assertThat(us.storagePuts).isEmpty();
    }

    @Test
    void storagePutIsRetriedOn503AndRemintedOn403() throws Exception {
        UploadServer us = new UploadServer(MIB, true);
        us.failPart.put(1, new ArrayList<>(Collections.singletonList(503)));
        us.failPart.put(2, new ArrayList<>(Collections.singletonList(403)));
        server.setDispatcher(us);
        byte[] data = randomBytes(2 * MIB + 1, 5);
        client.uploadStream(new ByteArrayInputStream(data), "application/octet-stream");
        assertThat(us.parts).hasSize(3);
        // 3 parts minted once each + one re-mint for the 403
        assertThat(us.mints.get()).isEqualTo(4);
        assertThat(us.storagePuts).hasSize(5);
        assertThat(us.finalizeBodies).hasSize(1);
    }

    @Test
    void aFailedPartStopsTheUploadAndSkipsFinalize() {
        UploadServer us = new UploadServer(MIB, false);
        us.failPart.put(2, new ArrayList<>(Collections.singletonList(400)));
        server.setDispatcher(us);
        byte[] data = randomBytes(6 * MIB, 6);
        assertThatThrownBy(() -> client.uploadStream(new ByteArrayInputStream(data), "text/csv"))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.errorCode()).isEqualTo("Nope");
                            assertThat(e.request())
                                    .startsWith("PUT http://")
                                    .endsWith("/storage/upl_1/2")
                                    .doesNotContain("SIG");
                        });
        assertThat(us.finalizeBodies).isEmpty();
    }

    @Test
    void storageRedirectsAreNotFollowed() {
        server.enqueue(
                new MockResponse()
                        .setResponseCode(307)
                        .setHeader("Location", server.url("/elsewhere")));
        assertThatThrownBy(
                        () ->
                                client.putToStorage(
                                        server.url("/storage/x").toString(),
                                        Collections.emptyMap(),
                                        new byte[] {1, 2, 3},
                                        0,
                                        3))
                .isInstanceOfSatisfying(
                        HotdataException.class, e -> assertThat(e.statusCode()).isEqualTo(307));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void storageEtagIsKeptVerbatimAndMissingEtagFails() throws Exception {
        server.enqueue(new MockResponse().setHeader("ETag", "W/\"abc\""));
        assertThat(
                        client.putToStorage(
                                server.url("/s").toString(),
                                Collections.emptyMap(),
                                new byte[] {1},
                                0,
                                1))
                .isEqualTo("W/\"abc\"");
        server.enqueue(new MockResponse().setResponseCode(200));
        assertThatThrownBy(
                        () ->
                                client.putToStorage(
                                        server.url("/s").toString(),
                                        Collections.emptyMap(),
                                        new byte[] {1},
                                        0,
                                        1))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.PROTOCOL_ERROR));
    }

    /**
     * Uploads a 64 MiB stream with 4 MiB parts and 4 parallel PUTs, and proves that the client
     * buffers at most (concurrency + 1) parts, two ways:
     *
     * <ol>
     *   <li>Black box: the source stream generates its bytes on the fly (the test holds no copy)
     *       and the storage discards them; at every read the test computes bytes handed to the
     *       client minus bytes fully received by storage. That difference is everything the client
     *       (or the sockets) hold, independent of GC timing or the implementation. Its peak must
     *       stay ≤ 5 parts = 20 MiB, far below 64 MiB.
     *   <li>White box: the uploader's count of allocated part buffers is ≤ 5.
     * </ol>
     *
     * Heap sampling (MemoryMXBean) was rejected: it measures garbage and MockWebServer's own
     * buffers, so it is noisy in both directions.
     */
    @Test
    void streaming64MiBKeepsMemoryBounded() throws Exception {
        int partSize = 4 * MIB;
        int concurrency = 4;
        long total = 64L * MIB;
        UploadServer us = new UploadServer(partSize, false);
        us.firstWave = new CountDownLatch(concurrency);
        server.setDispatcher(us);
        server.setBodyLimit(64 * 1024); // recorded requests keep only a prefix of each part
        useConfig(config().uploadConcurrency(concurrency).build());

        AtomicLong handedOut = new AtomicLong();
        AtomicLong peakHeld = new AtomicLong();
        InputStream source =
                new InputStream() {
                    @Override
                    public int read() {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        long done = handedOut.get();
                        if (done >= total) {
                            return -1;
                        }
                        int n = (int) Math.min(len, Math.min(total - done, 256 * 1024));
                        for (int i = 0; i < n; i++) {
                            b[off + i] = (byte) ((done + i) * 31);
                        }
                        long now = handedOut.addAndGet(n);
                        peakHeld.accumulateAndGet(now - us.receivedBytes.get(), Math::max);
                        return n;
                    }
                };

        long start = System.nanoTime();
        FinalizedUpload f = client.uploadStream(source, "application/octet-stream");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(f.sizeBytes()).isEqualTo(total);
        assertThat(us.receivedBytes.get()).isEqualTo(total);
        assertThat(us.finalizeBodies.get(0).get("parts")).hasSize(16);
        assertThat(us.maxInFlight.get()).as("parallel PUTs").isEqualTo(concurrency);
        assertThat(peakHeld.get())
                .as("bytes read from the source but not yet stored (took %d ms)", millis)
                .isLessThanOrEqualTo((long) (concurrency + 1) * partSize)
                .isLessThan(total / 3);
        assertThat(client.uploader().buffersAllocated()).isLessThanOrEqualTo(concurrency + 1);
    }
}
