package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.HotdataTransport.Reply;
import dev.hotdata.flink.connector.client.HotdataTransport.Safety;
import dev.hotdata.flink.connector.client.model.CompletedPart;
import dev.hotdata.flink.connector.client.model.CreateUploadRequest;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.PartUrl;
import dev.hotdata.flink.connector.client.model.UploadSession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.hotdata.flink.connector.client.HotdataTransport.id;

/**
 * The uploads of {@link HotdataClient} (reference §5): upload sessions, part URLs, finalize, and
 * whole uploads of a file, a stream or a growing file, whose parts {@link MultipartUploader} PUTs
 * through the transport's storage client.
 */
final class HotdataUploads {

    static final String HEADER_FINALIZE_TOKEN = "X-Upload-Finalize-Token";

    /**
     * Most sessions asked for in one {@code POST /v1/uploads/batch}; longer lists go in several. An
     * assumption: no public source names the server's limit (hotdata-local's is the same).
     */
    static final int MAX_BATCH = 100;

    private static final Logger LOG = LoggerFactory.getLogger(HotdataUploads.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HotdataTransport transport;
    private final HotdataClientConfig config;
    private final MultipartUploader uploader;

    /**
     * Set once the server answered {@code POST /v1/uploads/batch} with 404 or 405 (a server without
     * the route): from then on this client opens sessions one by one without asking.
     */
    private volatile boolean batchUnsupported;

    HotdataUploads(HotdataTransport transport) {
        this.transport = transport;
        this.config = transport.config();
        this.uploader = new MultipartUploader(this, transport, config.uploadConcurrency());
    }

    MultipartUploader uploader() {
        return uploader;
    }

    /** {@code POST /v1/uploads}; see {@link HotdataClient#createUpload}. */
    UploadSession createUpload(CreateUploadRequest request) throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url = transport.api("uploads").build();
        UploadSession s =
                transport.parse(
                        transport.send("POST", url, request, null, Safety.IDEMPOTENT, 200, 201),
                        UploadSession.class);
        if (s.uploadId() == null || s.finalizeToken() == null) {
            throw transport.protocolError(
                    "POST " + url.encodedPath(), 201, "upload session without id or token");
        }
        return s;
    }

    /** See {@link HotdataClient#createUploads}. */
    List<UploadSession> createUploads(List<CreateUploadRequest> requests) throws HotdataException {
        Objects.requireNonNull(requests, "requests");
        for (CreateUploadRequest r : requests) {
            Objects.requireNonNull(r, "requests must not contain null");
        }
        List<UploadSession> out = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += MAX_BATCH) {
            out.addAll(
                    createChunk(
                            requests.subList(from, Math.min(requests.size(), from + MAX_BATCH))));
        }
        return out;
    }

    /** At most {@link #MAX_BATCH} sessions: one batch call, or one by one (see createUploads). */
    private List<UploadSession> createChunk(List<CreateUploadRequest> chunk)
            throws HotdataException {
        if (!batchUnsupported) {
            try {
                return createBatch(chunk);
            } catch (HotdataException e) {
                int status = e.statusCode();
                if (status == 404 || status == 405) {
                    // no such route: an older server. Decided on the status alone; had the 404
                    // another cause (an unknown workspace), the single creates fail the same way.
                    batchUnsupported = true;
                    LOG.info(
                            "Hotdata server answered {} to POST /v1/uploads/batch: opening upload"
                                    + " sessions one by one from now on",
                            status);
                } else if (status != 400 || chunk.size() == 1) {
                    throw e;
                }
                // 400 for several entries: one of them is invalid, or the batch is beyond a limit
                // of the server. One by one names the entry (or succeeds); not remembered.
            }
        }
        List<UploadSession> out = new ArrayList<>(chunk.size());
        for (CreateUploadRequest r : chunk) {
            out.add(createUpload(r));
        }
        return out;
    }

    /** {@code POST /v1/uploads/batch}: sessions in request order, retried as createUpload is. */
    private List<UploadSession> createBatch(List<CreateUploadRequest> chunk)
            throws HotdataException {
        HttpUrl url = transport.api("uploads").addPathSegment("batch").build();
        ObjectNode body = transport.mapper().createObjectNode();
        body.set("uploads", transport.mapper().valueToTree(chunk));
        Reply r = transport.send("POST", url, body, null, Safety.IDEMPOTENT, 200, 201);
        JsonNode list = transport.tree(r).get("uploads");
        if (list == null || !list.isArray() || list.size() != chunk.size()) {
            throw transport.protocolError(
                    r.desc,
                    r.code,
                    "expected 'uploads' with "
                            + chunk.size()
                            + " sessions, got "
                            + (list == null || !list.isArray()
                                    ? "none"
                                    : String.valueOf(list.size())));
        }
        List<UploadSession> out = new ArrayList<>(chunk.size());
        for (JsonNode n : list) {
            UploadSession s = transport.convert(r, n, UploadSession.class);
            if (s == null || s.uploadId() == null || s.finalizeToken() == null) {
                throw transport.protocolError(r.desc, r.code, "upload session without id or token");
            }
            out.add(s);
        }
        return out;
    }

    /**
     * {@code POST /v1/uploads/{id}/parts}, sorted by part number; see {@link
     * HotdataClient#mintParts}.
     */
    List<PartUrl> mintParts(String uploadId, String finalizeToken, List<Integer> partNumbers)
            throws HotdataException {
        if (partNumbers == null || partNumbers.isEmpty()) {
            throw new IllegalArgumentException("partNumbers must not be empty");
        }
        HttpUrl url =
                transport
                        .api("uploads")
                        .addPathSegment(id(uploadId, "uploadId"))
                        .addPathSegment("parts")
                        .build();
        ObjectNode body = transport.mapper().createObjectNode();
        ArrayNode numbers = body.putArray("part_numbers");
        partNumbers.forEach(numbers::add);
        Reply r =
                transport.send(
                        "POST",
                        url,
                        body,
                        Headers.of(HEADER_FINALIZE_TOKEN, id(finalizeToken, "finalizeToken")),
                        Safety.IDEMPOTENT,
                        200,
                        201);
        JsonNode parts = transport.tree(r).get("parts");
        if (parts == null || !parts.isArray()) {
            throw transport.protocolError(r.desc, r.code, "parts answer without 'parts'");
        }
        List<PartUrl> out = new ArrayList<>();
        for (JsonNode p : parts) {
            out.add(transport.convert(r, p, PartUrl.class));
        }
        out.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
        return out;
    }

    /**
     * {@code POST /v1/uploads/{id}/finalize}, never retried; see {@link
     * HotdataClient#finalizeUpload}.
     */
    FinalizedUpload finalizeUpload(
            String uploadId, String finalizeToken, List<CompletedPart> partsOrEmpty)
            throws HotdataException {
        HttpUrl url =
                transport
                        .api("uploads")
                        .addPathSegment(id(uploadId, "uploadId"))
                        .addPathSegment("finalize")
                        .build();
        ObjectNode body = transport.mapper().createObjectNode();
        if (partsOrEmpty != null && !partsOrEmpty.isEmpty()) {
            List<CompletedPart> sorted = new ArrayList<>(partsOrEmpty);
            Collections.sort(sorted);
            body.set("parts", transport.mapper().valueToTree(sorted));
        }
        Reply r =
                transport.send(
                        "POST",
                        url,
                        body,
                        Headers.of(HEADER_FINALIZE_TOKEN, id(finalizeToken, "finalizeToken")),
                        Safety.NEVER,
                        200,
                        201);
        return transport.parse(r, FinalizedUpload.class);
    }

    /**
     * One PUT up to the single-upload size, else a multipart upload; see {@link
     * HotdataClient#uploadFile}.
     */
    FinalizedUpload uploadFile(Path file, String contentType) throws HotdataException {
        Objects.requireNonNull(file, "file");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw transport.localError("upload " + file.getFileName(), e);
        }
        String filename = file.getFileName() == null ? null : file.getFileName().toString();
        if (size <= config.singleUploadMaxBytes()) {
            UploadSession s =
                    createUpload(
                            CreateUploadRequest.builder()
                                    .declaredSizeBytes(size)
                                    .contentType(contentType)
                                    .filename(filename)
                                    .build());
            if (s.isSingle()) {
                if (s.url() == null) {
                    throw transport.protocolError(
                            "POST /v1/uploads", 201, "single session without url");
                }
                transport.putToStorage(s.url(), s.headers(), new FileRangeBody(file, 0, size));
                return finalizeUpload(s.uploadId(), s.finalizeToken(), Collections.emptyList());
            }
            return uploader.uploadFileParts(s, file, size);
        }
        return uploader.uploadFileParts(streamingSession(contentType, filename), file, size);
    }

    /** A streaming multipart session (no declared size) with the configured part size. */
    private UploadSession streamingSession(String contentType, String filenameOrNull)
            throws HotdataException {
        return createUpload(streamingRequest(contentType, filenameOrNull));
    }

    private CreateUploadRequest streamingRequest(String contentType, String filenameOrNull) {
        return CreateUploadRequest.builder()
                .partSize(config.uploadPartSize())
                .contentType(contentType)
                .filename(filenameOrNull)
                .build();
    }

    /** See {@link HotdataClient#uploadFiles}. */
    List<FinalizedUpload> uploadFiles(List<Path> files, String contentType)
            throws HotdataException {
        Objects.requireNonNull(files, "files");
        int n = files.size();
        long[] sizes = new long[n];
        List<CreateUploadRequest> requests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Path file = Objects.requireNonNull(files.get(i), "files must not contain null");
            try {
                sizes[i] = Files.size(file);
            } catch (IOException e) {
                throw transport.localError("upload " + file.getFileName(), e);
            }
            String filename = file.getFileName() == null ? null : file.getFileName().toString();
            requests.add(
                    sizes[i] <= config.singleUploadMaxBytes()
                            ? CreateUploadRequest.builder()
                                    .declaredSizeBytes(sizes[i])
                                    .contentType(contentType)
                                    .filename(filename)
                                    .build()
                            : streamingRequest(contentType, filename));
        }
        FinalizedUpload[] out = new FinalizedUpload[n];
        // sessions are opened one batch at a time, just before their files go, so that a presigned
        // URL does not wait behind many other files
        for (int from = 0; from < n; from += MAX_BATCH) {
            int to = Math.min(n, from + MAX_BATCH);
            List<UploadSession> sessions = createUploads(requests.subList(from, to));
            uploadOpened(files, sizes, requests, sessions, from, out);
        }
        return Arrays.asList(out);
    }

    /**
     * PUTs and finalizes the files {@code from ..} of their opened sessions into {@code out}: the
     * single-PUT ones in parallel (up to the upload concurrency), then the multipart ones one after
     * another (each with parallel parts), so no more than the upload concurrency of PUTs run at
     * once. The first failure cancels the rest and is thrown.
     */
    private void uploadOpened(
            List<Path> files,
            long[] sizes,
            List<CreateUploadRequest> requests,
            List<UploadSession> sessions,
            int from,
            FinalizedUpload[] out)
            throws HotdataException {
        List<Integer> singles = new ArrayList<>();
        List<Integer> multiparts = new ArrayList<>();
        for (int k = 0; k < sessions.size(); k++) {
            int i = from + k;
            boolean declared = requests.get(i).declaredSizeBytes() != null;
            (declared && sessions.get(k).isSingle() ? singles : multiparts).add(k);
        }
        if (!singles.isEmpty()) {
            ExecutorService pool =
                    Executors.newFixedThreadPool(
                            Math.min(config.uploadConcurrency(), singles.size()),
                            r -> {
                                Thread t =
                                        new Thread(
                                                r,
                                                "hotdata-upload-files-"
                                                        + THREADS.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
            CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
            boolean failed = true;
            try {
                for (int k : singles) {
                    int i = from + k;
                    UploadSession s = sessions.get(k);
                    done.submit(
                            () -> {
                                out[i] =
                                        putSingleAndFinalize(
                                                s, requests.get(i), files.get(i), sizes[i]);
                                return i;
                            });
                }
                for (int c = 0; c < singles.size(); c++) {
                    done.take().get();
                }
                failed = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HotdataException(
                        "upload files",
                        0,
                        HotdataErrorCodes.INTERRUPTED,
                        "interrupted during upload",
                        false,
                        null,
                        e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof HotdataException) {
                    throw (HotdataException) cause;
                }
                throw transport.protocolError("upload files", 0, "file upload crashed: " + cause);
            } finally {
                if (failed) {
                    pool.shutdownNow();
                } else {
                    pool.shutdown();
                }
                try {
                    // uploads still running after a failure are abandoned; let threads end
                    pool.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (int k : multiparts) {
            int i = from + k;
            out[i] = uploader.uploadFileParts(sessions.get(k), files.get(i), sizes[i]);
        }
    }

    /**
     * The single PUT of a whole file, then finalize. A 403 from storage (the presigned URL expired
     * while other files went) opens a fresh session for the file once and PUTs again.
     */
    private FinalizedUpload putSingleAndFinalize(
            UploadSession session, CreateUploadRequest request, Path file, long size)
            throws HotdataException {
        UploadSession s = session;
        try {
            putWhole(s, file, size);
        } catch (HotdataException e) {
            if (e.statusCode() != 403) {
                throw e;
            }
            s = createUpload(request);
            if (!s.isSingle()) {
                return uploader.uploadFileParts(s, file, size);
            }
            putWhole(s, file, size);
        }
        return finalizeUpload(s.uploadId(), s.finalizeToken(), Collections.emptyList());
    }

    private void putWhole(UploadSession s, Path file, long size) throws HotdataException {
        if (s.url() == null) {
            throw transport.protocolError("POST /v1/uploads", 201, "single session without url");
        }
        transport.putToStorage(s.url(), s.headers(), new FileRangeBody(file, 0, size));
    }

    /** See {@link HotdataClient#startGrowingFileUpload}. */
    HotdataGrowingFileUpload startGrowingFileUpload(Path file, String contentType)
            throws HotdataException {
        Objects.requireNonNull(file, "file");
        String filename = file.getFileName() == null ? null : file.getFileName().toString();
        return new HotdataGrowingFileUpload(
                uploader, streamingSession(contentType, filename), file);
    }

    /** A streaming multipart upload of {@code in}; see {@link HotdataClient#uploadStream}. */
    FinalizedUpload uploadStream(InputStream in, String contentType) throws HotdataException {
        Objects.requireNonNull(in, "in");
        UploadSession s =
                createUpload(
                        CreateUploadRequest.builder()
                                .partSize(config.uploadPartSize())
                                .contentType(contentType)
                                .build());
        return uploader.uploadStreamParts(s, in);
    }
}
