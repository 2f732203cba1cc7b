package dev.hotdata.local.upload;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Ids;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.api.ServerSettings;
import dev.hotdata.local.store.DataLayout;
import dev.hotdata.local.store.StateStore;
import dev.hotdata.local.store.UploadRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Upload sessions ({@code POST /v1/uploads}, parts, finalize), the presigned storage {@code PUT}
 * and the one-shot claim a load takes on a finalized upload.
 */
public final class UploadService {
    private static final long MAX_PART_SIZE = 5L * 1024 * ServerSettings.MIB;
    private static final int MAX_PARTS = 10_000;
    private static final int MAX_MINT_BATCH = 1000;

    /**
     * Most entries of one {@code POST /v1/uploads/batch}: an assumption (no public source names a
     * limit).
     */
    public static final int MAX_BATCH_UPLOADS = 100;

    private final StateStore store;
    private final DataLayout layout;
    private final ServerSettings settings;
    private final String secret;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> finalizing = ConcurrentHashMap.newKeySet();

    public UploadService(StateStore store, DataLayout layout, ServerSettings settings) {
        this.store = store;
        this.layout = layout;
        this.settings = settings;
        this.secret = store.read(st -> st.signingSecret);
    }

    /** {@code POST /v1/uploads}. */
    public ObjectNode create(String ws, JsonNode body) {
        Opened o = open(ws, validate(body));
        store.write(st -> st.uploads.put(o.record.id, o.record));
        return o.answer;
    }

    /**
     * {@code POST /v1/uploads/batch}: {@code {uploads: CreateUploadRequest[]}} → {@code {uploads:
     * UploadSessionResponse[]}} in request order. All or nothing: every entry is validated as
     * {@link #create} validates its body before any session opens; the first invalid entry answers
     * that entry's 400 (same code) with {@code uploads[i]: } before the message, and nothing is
     * created. An empty or missing list, or more than {@link #MAX_BATCH_UPLOADS} entries, is 400.
     * The sessions are stored in one state write.
     */
    public ObjectNode createBatch(String ws, JsonNode body) {
        JsonNode items = body.get("uploads");
        if (items == null || !items.isArray()) {
            throw ApiException.badRequest("BAD_REQUEST", "'uploads' must be an array");
        }
        if (items.size() == 0) {
            throw ApiException.badRequest("BAD_REQUEST", "'uploads' must not be empty");
        }
        if (items.size() > MAX_BATCH_UPLOADS) {
            throw ApiException.badRequest(
                    "BATCH_TOO_LARGE",
                    "at most " + MAX_BATCH_UPLOADS + " uploads per batch, got " + items.size());
        }
        List<Spec> specs = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "uploads[" + i + "] must be an object");
            }
            try {
                specs.add(validate(item));
            } catch (ApiException e) {
                throw new ApiException(
                        e.status(),
                        e.code(),
                        "uploads[" + i + "]: " + e.getMessage(),
                        e.retryAfterSeconds());
            }
        }
        List<Opened> opened = new ArrayList<>(specs.size());
        for (Spec spec : specs) {
            opened.add(open(ws, spec));
        }
        store.write(
                st -> {
                    for (Opened o : opened) {
                        st.uploads.put(o.record.id, o.record);
                    }
                    return null;
                });
        ObjectNode out = Json.obj();
        ArrayNode arr = out.putArray("uploads");
        for (Opened o : opened) {
            arr.add(o.answer);
        }
        return out;
    }

    /** A validated {@code CreateUploadRequest}. */
    private static final class Spec {
        Long declared;
        Long partHint;
        String checksum;
        String contentType;
        String contentEncoding;
        String filename;
    }

    /** A session opened but not yet stored, and its answer. */
    private static final class Opened {
        final UploadRecord record;
        final ObjectNode answer;

        Opened(UploadRecord record, ObjectNode answer) {
            this.record = record;
            this.answer = answer;
        }
    }

    /** Checks one {@code CreateUploadRequest} (400 when invalid); opens nothing. */
    private Spec validate(JsonNode body) {
        Spec s = new Spec();
        s.declared = Json.optLong(body, "declared_size_bytes");
        s.partHint = Json.optLong(body, "part_size");
        String algo = Json.optString(body, "checksum_algo");
        s.checksum = Json.optString(body, "checksum_value");
        s.contentType = Json.optString(body, "content_type");
        s.contentEncoding = Json.optString(body, "content_encoding");
        s.filename = Json.optString(body, "filename");
        if (algo != null && !algo.equalsIgnoreCase("sha256")) {
            throw ApiException.badRequest("UNSUPPORTED_CHECKSUM", "checksum_algo must be 'sha256'");
        }
        if (s.checksum != null && algo == null) {
            throw ApiException.badRequest("BAD_REQUEST", "checksum_value requires checksum_algo");
        }
        if (s.declared != null && s.declared <= 0) {
            throw ApiException.badRequest("BAD_REQUEST", "declared_size_bytes must be positive");
        }
        if (s.declared != null && s.declared > settings.maxUploadBytes()) {
            throw ApiException.badRequest(
                    "UPLOAD_TOO_LARGE",
                    "declared_size_bytes exceeds the maximum of " + settings.maxUploadBytes());
        }
        return s;
    }

    /** The record and answer of a new session for a validated request; stores nothing. */
    private Opened open(String ws, Spec spec) {
        Long declared = spec.declared;
        UploadRecord u = new UploadRecord();
        u.id = Ids.newId("upld");
        u.workspaceId = ws;
        u.finalizeToken = Ids.random(40);
        u.declaredSize = declared;
        u.contentType = spec.contentType;
        u.contentEncoding = spec.contentEncoding;
        u.filename = spec.filename;
        u.checksumValue = spec.checksum;
        u.createdAt = Ids.now();
        long partSize = spec.partHint == null ? 8 * ServerSettings.MIB : spec.partHint;
        partSize = Math.max(settings.minPartSize(), Math.min(MAX_PART_SIZE, partSize));
        ObjectNode out = Json.obj();
        out.put("upload_id", u.id);
        out.put("finalize_token", u.finalizeToken);
        out.set("headers", Json.obj());
        if (declared != null && declared <= settings.singleUploadMaxBytes()) {
            u.mode = "single";
            out.put("mode", "single");
            out.put("url", presign(u.id, 0));
        } else {
            u.mode = "multipart";
            u.streaming = declared == null;
            if (declared != null) {
                partSize = Math.max(partSize, (declared + MAX_PARTS - 1) / MAX_PARTS);
            }
            u.partSize = partSize;
            out.put("mode", "multipart");
            out.put("part_size", partSize);
            if (declared != null) {
                ArrayNode urls = out.putArray("part_urls");
                long parts = (declared + partSize - 1) / partSize;
                for (int i = 1; i <= parts; i++) {
                    urls.add(presign(u.id, i));
                }
            }
        }
        return new Opened(u, out);
    }

    /** {@code POST /v1/uploads/{id}/parts}. */
    public ObjectNode mintParts(String ws, String id, String token, JsonNode body) {
        UploadRecord u = sessionForToken(ws, id, token);
        if (!"multipart".equals(u.mode)) {
            throw ApiException.badRequest("NOT_MULTIPART", "upload '" + id + "' is not multipart");
        }
        if (!UploadRecord.CREATED.equals(u.status)) {
            throw ApiException.badRequest(
                    "UPLOAD_ALREADY_FINALIZED", "upload '" + id + "' is already finalized");
        }
        JsonNode nums = body.get("part_numbers");
        if (nums == null || !nums.isArray() || nums.size() == 0) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "'part_numbers' must be a non-empty array");
        }
        if (nums.size() > MAX_MINT_BATCH) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "at most " + MAX_MINT_BATCH + " part numbers per request");
        }
        TreeSet<Integer> sorted = new TreeSet<>();
        for (JsonNode n : nums) {
            if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > MAX_PARTS) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "part numbers must be integers in 1.." + MAX_PARTS);
            }
            sorted.add(n.asInt());
        }
        ObjectNode out = Json.obj();
        ArrayNode parts = out.putArray("parts");
        for (int n : sorted) {
            ObjectNode p = parts.addObject();
            p.put("part_number", n);
            p.put("url", presign(id, n));
        }
        return out;
    }

    /** {@code POST /v1/uploads/{id}/finalize}: exactly once. */
    public ObjectNode finalizeUpload(String ws, String id, String token, JsonNode body) {
        UploadRecord u = sessionForToken(ws, id, token);
        if (!UploadRecord.CREATED.equals(u.status) || !finalizing.add(id)) {
            throw ApiException.badRequest(
                    "UPLOAD_ALREADY_FINALIZED", "upload '" + id + "' is already finalized");
        }
        boolean done = false;
        try {
            Map<Integer, String> etags = store.read(st -> new java.util.TreeMap<>(u.partEtags));
            Map<Integer, Long> sizes = store.read(st -> new java.util.TreeMap<>(u.partSizes));
            List<Integer> order = new ArrayList<>();
            if ("single".equals(u.mode)) {
                if (!etags.containsKey(0)) {
                    throw ApiException.badRequest(
                            "MISSING_FILE", "no object was uploaded for upload '" + id + "'");
                }
                order.add(0);
            } else {
                JsonNode parts = body.get("parts");
                if (parts == null || !parts.isArray() || parts.size() == 0) {
                    throw ApiException.badRequest(
                            "BAD_REQUEST", "multipart finalize needs a non-empty 'parts' array");
                }
                int prev = 0;
                for (JsonNode p : parts) {
                    JsonNode num = p.get("part_number");
                    String etag = Json.optString(p, "e_tag");
                    if (num == null || !num.isIntegralNumber() || etag == null) {
                        throw ApiException.badRequest(
                                "INVALID_PART", "each part needs 'part_number' and 'e_tag'");
                    }
                    int n = num.asInt();
                    if (n <= prev) {
                        throw ApiException.badRequest(
                                "INVALID_PART_ORDER", "parts must be listed in ascending order");
                    }
                    prev = n;
                    String stored = etags.get(n);
                    if (stored == null) {
                        throw ApiException.badRequest(
                                "INVALID_PART", "part " + n + " was not uploaded");
                    }
                    if (!stored.equals(etag)) {
                        throw ApiException.badRequest(
                                "INVALID_PART",
                                "part "
                                        + n
                                        + ": e_tag does not match the uploaded part (send the"
                                        + " ETag header verbatim, quotes included)");
                    }
                    order.add(n);
                }
                for (int i = 0; i < order.size() - 1; i++) {
                    if (sizes.get(order.get(i)) < settings.minPartSize()) {
                        throw ApiException.badRequest(
                                "PART_TOO_SMALL",
                                "part "
                                        + order.get(i)
                                        + " is smaller than the minimum part size of "
                                        + settings.minPartSize()
                                        + " bytes (only the last part may be smaller)");
                    }
                }
            }
            long total = 0;
            for (int n : order) {
                total += sizes.get(n);
            }
            if (u.declaredSize != null && total != u.declaredSize) {
                throw ApiException.badRequest(
                        "SIZE_MISMATCH",
                        "uploaded "
                                + total
                                + " bytes but declared_size_bytes was "
                                + u.declaredSize);
            }
            if (total == 0) {
                throw ApiException.badRequest("EMPTY_UPLOAD", "the upload holds no bytes");
            }
            if (total > settings.maxUploadBytes()) {
                throw ApiException.badRequest("UPLOAD_TOO_LARGE", "the upload is too large");
            }
            Path data = assemble(id, order);
            if (u.checksumValue != null) {
                verifyChecksum(data, u.checksumValue);
            }
            final long size = total;
            ObjectNode out =
                    store.write(
                            st -> {
                                u.status = UploadRecord.READY;
                                u.sizeBytes = size;
                                u.finalizedAtMillis = System.currentTimeMillis();
                                ObjectNode o = Json.obj();
                                o.put("upload_id", u.id);
                                o.put("status", "ready");
                                o.put("size_bytes", size);
                                o.put("created_at", u.createdAt);
                                o.put("content_type", u.contentType);
                                return o;
                            });
            done = true;
            return out;
        } finally {
            if (!done) {
                finalizing.remove(id);
            }
        }
    }

    /**
     * The storage {@code PUT} of a presigned URL; answers S3-like errors as {@link StorageError}.
     */
    public String put(String id, int part, long expires, String sig, byte[] body) {
        verify(id, part, expires, sig);
        UploadRecord u = store.read(st -> st.uploads.get(id));
        if (u == null || !UploadRecord.CREATED.equals(u.status) || finalizing.contains(id)) {
            throw new StorageError(404, "NoSuchUpload", "The upload does not exist or is complete");
        }
        String etag;
        try {
            Files.createDirectories(layout.uploadDir(id));
            Path tmp = Files.createTempFile(layout.uploadDir(id), "put-", ".tmp");
            Files.write(tmp, body);
            Files.move(
                    tmp,
                    layout.uploadPart(id, part),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            etag = etag(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final String tag = etag;
        store.write(
                st -> {
                    u.partEtags.put(part, tag);
                    u.partSizes.put(part, (long) body.length);
                    return null;
                });
        return etag;
    }

    /**
     * Checks a presigned URL's signature and expiry (403 otherwise): the storage endpoint's
     * authentication, done before the body is read.
     */
    public void verify(String id, int part, long expires, String sig) {
        if (sig == null
                || !MessageDigest.isEqual(
                        sign(id, part, expires).getBytes(StandardCharsets.UTF_8),
                        sig.getBytes(StandardCharsets.UTF_8))) {
            throw new StorageError(
                    403, "SignatureDoesNotMatch", "The request signature does not match");
        }
        if (System.currentTimeMillis() > expires) {
            throw new StorageError(403, "AccessDenied", "Request has expired");
        }
    }

    /**
     * The largest body a PUT to the upload's presigned URL may carry: the single-upload limit for a
     * single upload, the upload's part size for a multipart one (an unknown upload: the larger of
     * the single-upload limit and the minimum part size; the PUT then answers 404).
     */
    public long maxPutBytes(String id) {
        UploadRecord u = store.read(st -> st.uploads.get(id));
        if (u == null) {
            return Math.max(settings.singleUploadMaxBytes(), settings.minPartSize());
        }
        long max =
                "single".equals(u.mode)
                        ? settings.singleUploadMaxBytes()
                        : Math.max(u.partSize, settings.minPartSize());
        return Math.min(max, Integer.MAX_VALUE - 16);
    }

    // ---------------------------------------------------------------- claims by loads

    /** What a finished load left on the upload it consumed: its final answer. */
    public static final class Receipt {
        /** HTTP status of the consuming load's answer; 0 for an upload consumed without one. */
        public final int status;

        public final ObjectNode body;

        /** The table file (relative path) published from the upload, or null. */
        public final String file;

        Receipt(int status, ObjectNode body, String file) {
            this.status = status;
            this.body = body;
            this.file = file;
        }
    }

    /**
     * The receipt of a consumed upload, or null when the upload is not consumed. 404 {@code
     * UPLOAD_NOT_FOUND} for an unknown upload, and for a consumed one whose receipt is older than
     * the upload TTL (forgotten).
     */
    public Receipt receipt(String ws, String id) {
        return store.read(
                st -> {
                    UploadRecord u = st.uploads.get(id);
                    if (u == null || !u.workspaceId.equals(ws)) {
                        throw ApiException.notFound(
                                "UPLOAD_NOT_FOUND", "upload '" + id + "' not found");
                    }
                    if (!UploadRecord.CONSUMED.equals(u.status)) {
                        return null;
                    }
                    long since = u.consumedAtMillis > 0 ? u.consumedAtMillis : u.finalizedAtMillis;
                    if (settings.uploadExpired(since)) {
                        throw ApiException.notFound(
                                "UPLOAD_NOT_FOUND",
                                "upload '" + id + "' not found (consumed and expired)");
                    }
                    return new Receipt(
                            u.receiptStatus == null ? 0 : u.receiptStatus,
                            u.receiptBody instanceof ObjectNode
                                    ? ((ObjectNode) u.receiptBody).deepCopy()
                                    : null,
                            u.receiptFile);
                });
    }

    /**
     * Checks that an upload can be loaded and claims it for one load; 404 unknown/expired, 400 not
     * finalized, 409 {@code CONFLICT} when another load holds it (or consumed it meanwhile).
     */
    public UploadRecord claim(String ws, String id) {
        return store.read(
                st -> {
                    UploadRecord u = st.uploads.get(id);
                    if (u == null || !u.workspaceId.equals(ws)) {
                        throw ApiException.notFound(
                                "UPLOAD_NOT_FOUND", "upload '" + id + "' not found");
                    }
                    if (UploadRecord.CONSUMED.equals(u.status)) {
                        throw ApiException.conflict(
                                "CONFLICT", "upload '" + id + "' was already consumed by a load");
                    }
                    if (!UploadRecord.READY.equals(u.status)) {
                        throw ApiException.badRequest(
                                "UPLOAD_NOT_FINALIZED", "upload '" + id + "' is not finalized");
                    }
                    if (settings.uploadExpired(u.finalizedAtMillis)) {
                        throw ApiException.notFound(
                                "UPLOAD_NOT_FOUND", "upload '" + id + "' has expired");
                    }
                    if (!inFlight.add(id)) {
                        throw ApiException.conflict(
                                "CONFLICT",
                                "upload '" + id + "' is being loaded by another request");
                    }
                    return u;
                });
    }

    /** Gives back a claim after a failed load: the upload stays loadable. */
    public void release(String id) {
        inFlight.remove(id);
    }

    /**
     * Marks a claimed upload consumed with its receipt (the load's final answer); call inside the
     * publishing state write.
     */
    public void consumeInState(UploadRecord u, int status, ObjectNode body, String file) {
        u.status = UploadRecord.CONSUMED;
        u.consumedAtMillis = System.currentTimeMillis();
        u.receiptStatus = status;
        u.receiptBody = body.deepCopy();
        u.receiptFile = file;
    }

    /** A failed load consumes its claimed upload, keeping the failure as the receipt. */
    public void consumeFailed(String id, int status, ObjectNode errorBody) {
        store.write(
                st -> {
                    UploadRecord u = st.uploads.get(id);
                    if (u != null && UploadRecord.READY.equals(u.status)) {
                        consumeInState(u, status, errorBody, null);
                    }
                    return null;
                });
        afterConsumed(id);
    }

    /** Ends a claim after the consuming publish; removes what is left of its directory. */
    public void afterConsumed(String id) {
        inFlight.remove(id);
        DataLayout.deleteTree(layout.uploadDir(id));
    }

    public Path dataFile(String id) {
        return layout.uploadData(id);
    }

    // ---------------------------------------------------------------- helpers

    private UploadRecord sessionForToken(String ws, String id, String token) {
        UploadRecord u = store.read(st -> st.uploads.get(id));
        if (u == null || !u.workspaceId.equals(ws)) {
            throw ApiException.notFound("UPLOAD_NOT_FOUND", "upload '" + id + "' not found");
        }
        if (token == null
                || !MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.UTF_8),
                        u.finalizeToken.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.badRequest(
                    "INVALID_FINALIZE_TOKEN", "missing or invalid X-Upload-Finalize-Token");
        }
        return u;
    }

    /**
     * An opaque ETag, quoted like S3's. S3 happens to use the part's MD5; clients must treat it as
     * opaque (reference §5.2), and a CRC-32C of the content and the length (32 hex digits, S3's
     * shape) costs a tenth of an MD5, which matters when the server shares the machine with the
     * writers.
     */
    static String etag(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return String.format("\"%08x%024x\"", crc.getValue(), (long) body.length);
    }

    private Path assemble(String id, List<Integer> order) {
        Path data = layout.uploadData(id);
        try {
            Path tmp = Files.createTempFile(layout.uploadDir(id), "data-", ".tmp");
            // channel to channel: the kernel copies, without passing the bytes through the heap
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (int n : order) {
                    try (FileChannel in =
                            FileChannel.open(layout.uploadPart(id, n), StandardOpenOption.READ)) {
                        long size = in.size();
                        long done = 0;
                        while (done < size) {
                            done += in.transferTo(done, size - done, out);
                        }
                    }
                }
            }
            Files.move(
                    tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (java.util.stream.Stream<Path> s = Files.list(layout.uploadDir(id))) {
                s.filter(p -> p.getFileName().toString().startsWith("part-"))
                        .forEach(DataLayout::deleteQuietly);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data;
    }

    private static void verifyChecksum(Path data, String expected) {
        try (InputStream in = Files.newInputStream(data)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            byte[] digest = md.digest();
            if (!hex(digest).equalsIgnoreCase(expected)
                    && !Base64.getEncoder().encodeToString(digest).equals(expected)) {
                throw ApiException.badRequest(
                        "CHECKSUM_MISMATCH", "sha256 of the uploaded bytes does not match");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String presign(String id, int part) {
        long expires = System.currentTimeMillis() + settings.presignTtl().toMillis();
        return settings.endpoint()
                + "/_storage/"
                + id
                + "/"
                + part
                + "?expires="
                + expires
                + "&sig="
                + sign(id, part, expires);
    }

    private String sign(String id, int part, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return hex(
                    mac.doFinal(
                            (id + "|" + part + "|" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16))
                    .append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }
}
