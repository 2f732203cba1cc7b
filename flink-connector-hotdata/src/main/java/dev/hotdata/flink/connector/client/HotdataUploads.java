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

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import static dev.hotdata.flink.connector.client.HotdataTransport.id;

/**
 * The uploads of {@link HotdataClient} (reference §5): upload sessions, part URLs, finalize, and
 * whole uploads of a file, a stream or a growing file, whose parts {@link MultipartUploader} PUTs
 * through the transport's storage client.
 */
final class HotdataUploads {

    static final String HEADER_FINALIZE_TOKEN = "X-Upload-Finalize-Token";

    private final HotdataTransport transport;
    private final HotdataClientConfig config;
    private final MultipartUploader uploader;

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
        return createUpload(
                CreateUploadRequest.builder()
                        .partSize(config.uploadPartSize())
                        .contentType(contentType)
                        .filename(filenameOrNull)
                        .build());
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
