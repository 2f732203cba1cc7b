package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CompletedPart;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.CreateUploadRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.DatabasePage;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.InformationSchemaPage;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.JobStatus;
import dev.hotdata.flink.connector.client.model.JobSubmission;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.LoadResult;
import dev.hotdata.flink.connector.client.model.ManagedSchemaInfo;
import dev.hotdata.flink.connector.client.model.ManagedTableInfo;
import dev.hotdata.flink.connector.client.model.PartUrl;
import dev.hotdata.flink.connector.client.model.QueryRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.QueryRunInfo;
import dev.hotdata.flink.connector.client.model.ResultPage;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.client.model.UploadSession;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed client of the Hotdata HTTP API (databases, uploads, loads, jobs, queries, results,
 * information schema). Thread-safe; one instance shares one connection pool. It knows nothing of
 * Flink.
 *
 * <h2>Headers</h2>
 *
 * Every API call carries {@code Authorization: Bearer <key>} and {@code X-Workspace-Id}; query,
 * query-run and result calls add {@code X-Database-Id}; part minting and finalize add {@code
 * X-Upload-Finalize-Token}. Storage PUTs go to the presigned URL with only {@code Content-Length}
 * and the session's {@code headers} (no credentials, redirects not followed). Redirects are never
 * followed, so the key cannot be forwarded to another origin.
 *
 * <h2>Errors and retries</h2>
 *
 * Failures surface as {@link HotdataException}. Transient failures (transport errors, 429, 5xx
 * except 501, 409 {@code RESOURCE_LOCKED}/{@code UPLOAD_IN_FLIGHT}) are retried with the config's
 * {@link RetryPolicy} (exponential back-off with jitter, never shorter than {@code Retry-After},
 * bounded by {@code maxRetries} and {@code deadline}) — but only as far as each call is safe to
 * repeat:
 *
 * <table>
 *   <caption>Per-call retry classification</caption>
 *   <tr><th>call</th><th>retried on</th><th>why</th></tr>
 *   <tr><td>GET, DELETE, {@code query}, {@code createUpload}, {@code mintParts}, {@code addSchema},
 *       {@code addTable}</td><td>every transient failure</td><td>repeating is harmless (a replayed
 *       declare or delete may answer 409/404 when the first attempt had succeeded)</td></tr>
 *   <tr><td>{@code load} with {@code uploadId}</td><td>every transient failure</td><td>the server
 *       claims an upload once, so a replay cannot apply twice (it answers 409 {@code
 *       UPLOAD_IN_FLIGHT}/{@code UPLOAD_CONSUMED})</td></tr>
 *   <tr><td>{@code load} with inline {@code data} and an {@code idempotencyKey}, {@code load} with
 *       {@code resultId} in {@code replace} mode</td><td>every transient failure</td><td>the server
 *       dedupes / the outcome is the same</td></tr>
 *   <tr><td>{@code createDatabase}, other loads</td><td>only failures that prove the request was not
 *       applied: connect failures (refused, unknown host, connect timeout), 429, 503, 409 {@code
 *       RESOURCE_LOCKED}/{@code UPLOAD_IN_FLIGHT}</td><td>a replay after a lost answer would create
 *       a duplicate database or append rows twice</td></tr>
 *   <tr><td>{@code finalizeUpload}</td><td>never</td><td>finalize is exactly-once; a second one is
 *       rejected</td></tr>
 *   <tr><td>storage PUT</td><td>429, 5xx, transport errors ({@code Retry-After} capped at 120 s),
 *       only with a replayable body</td><td>a part PUT is idempotent</td></tr>
 * </table>
 *
 * <p>OkHttp's own silent retry of a request whose body was already sent is disabled (request bodies
 * are one-shot), so the table above is the whole truth.
 *
 * <h2>Secrets</h2>
 *
 * The API key is never logged and is redacted from every server text copied into an exception.
 */
public class HotdataClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataClient.class);

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    static final String HEADER_WORKSPACE = "X-Workspace-Id";
    static final String HEADER_DATABASE = "X-Database-Id";
    static final String HEADER_FINALIZE_TOKEN = "X-Upload-Finalize-Token";
    static final String HEADER_TOTAL_ROW_COUNT = "X-Total-Row-Count";

    /** Storage {@code Retry-After} cap (as the official SDK does). */
    static final long STORAGE_RETRY_AFTER_CAP_SECONDS = 120;

    private static final int ERROR_BODY_MAX_BYTES = 64 * 1024;
    private static final int MAX_LIST_PAGES = 1000;
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer)\\s+[^\\s\"',;]+");

    /** How a call may be repeated; see the class comment. */
    enum Safety {
        /** Retry every transient failure. */
        IDEMPOTENT,
        /** Retry only failures that prove the request was not applied. */
        REJECTED_ONLY,
        /** Never retry. */
        NEVER
    }

    private final HotdataClientConfig config;
    private final HotdataClock clock;
    private final OkHttpClient api;
    private final OkHttpClient storage;
    private final HttpUrl base;
    private final ObjectMapper mapper = HotdataJson.mapper();
    private final String apiKey;
    private final MultipartUploader uploader;

    /** A client for {@code config} using the real clock. */
    public HotdataClient(HotdataClientConfig config) {
        this(config, HotdataClock.system());
    }

    /** A client with an injected clock (tests: back-off without really sleeping). */
    public HotdataClient(HotdataClientConfig config, HotdataClock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.apiKey = config.apiKey();
        this.base = HttpUrl.get(config.endpoint());
        this.api =
                new OkHttpClient.Builder()
                        .connectTimeout(config.connectTimeout())
                        .readTimeout(config.readTimeout())
                        .writeTimeout(config.writeTimeout())
                        .followRedirects(false)
                        .followSslRedirects(false)
                        .build();
        this.storage = api.newBuilder().build();
        this.uploader = new MultipartUploader(this, config.uploadConcurrency());
    }

    /** The configuration (its {@code toString()} masks the key). */
    public HotdataClientConfig config() {
        return config;
    }

    HotdataClock clock() {
        return clock;
    }

    MultipartUploader uploader() {
        return uploader;
    }

    // ------------------------------------------------------------------------------------------
    // databases (reference §4)

    /**
     * {@code POST /v1/databases}. Not replayed after a failure that may have reached the server.
     */
    public DatabaseInfo createDatabase(CreateDatabaseRequest request) throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url = api("databases").build();
        Reply r = send("POST", url, request, null, Safety.REJECTED_ONLY, 200, 201);
        return parse(r, DatabaseInfo.class);
    }

    /** {@code GET /v1/databases/{id}}. */
    public DatabaseInfo getDatabase(String databaseId) throws HotdataException {
        HttpUrl url = api("databases").addPathSegment(id(databaseId, "databaseId")).build();
        return parse(send("GET", url, null, null, Safety.IDEMPOTENT, 200), DatabaseInfo.class);
    }

    /** {@code GET /v1/databases?search&limit&cursor} — one page, newest first. */
    public DatabasePage listDatabases(String searchOrNull, Integer limitOrNull, String cursorOrNull)
            throws HotdataException {
        HttpUrl.Builder b = api("databases");
        if (searchOrNull != null) {
            b.addQueryParameter("search", searchOrNull);
        }
        if (limitOrNull != null) {
            b.addQueryParameter("limit", String.valueOf(limitOrNull));
        }
        if (cursorOrNull != null) {
            b.addQueryParameter("cursor", cursorOrNull);
        }
        return parse(
                send("GET", b.build(), null, null, Safety.IDEMPOTENT, 200), DatabasePage.class);
    }

    /**
     * All databases matching {@code searchOrNull} (case-insensitive substring of the name),
     * following cursors for at most 1000 pages of 100.
     */
    public List<DatabaseSummary> listAllDatabases(String searchOrNull) throws HotdataException {
        List<DatabaseSummary> all = new ArrayList<>();
        Set<String> seenCursors = new HashSet<>();
        String cursor = null;
        for (int page = 0; page < MAX_LIST_PAGES; page++) {
            DatabasePage p = listDatabases(searchOrNull, 100, cursor);
            all.addAll(p.databases());
            String next = p.nextCursor();
            if (!p.hasMore() || next == null || next.isEmpty()) {
                return all;
            }
            if (!seenCursors.add(next)) {
                throw protocolError(
                        "GET " + api("databases").build().encodedPath(),
                        200,
                        "the server repeated cursor " + next);
            }
            cursor = next;
        }
        throw protocolError(
                "GET " + api("databases").build().encodedPath(),
                200,
                "more than " + MAX_LIST_PAGES + " pages of databases");
    }

    /** {@code DELETE /v1/databases/{id}} (drops its data). */
    public void deleteDatabase(String databaseId) throws HotdataException {
        HttpUrl url = api("databases").addPathSegment(id(databaseId, "databaseId")).build();
        send("DELETE", url, null, null, Safety.IDEMPOTENT, 200, 204);
    }

    /** {@code POST /v1/databases/{id}/schemas}: declares a schema (and tables) in place. */
    public ManagedSchemaInfo addSchema(String databaseId, SchemaDeclaration schema)
            throws HotdataException {
        Objects.requireNonNull(schema, "schema");
        HttpUrl url =
                api("databases")
                        .addPathSegment(id(databaseId, "databaseId"))
                        .addPathSegment("schemas")
                        .build();
        return parse(
                send("POST", url, schema, null, Safety.IDEMPOTENT, 200, 201),
                ManagedSchemaInfo.class);
    }

    /** {@code POST /v1/databases/{id}/schemas/{schema}/tables}: declares a table in place. */
    public ManagedTableInfo addTable(String databaseId, String schema, TableDeclaration table)
            throws HotdataException {
        Objects.requireNonNull(table, "table");
        HttpUrl url =
                api("databases")
                        .addPathSegment(id(databaseId, "databaseId"))
                        .addPathSegment("schemas")
                        .addPathSegment(id(schema, "schema"))
                        .addPathSegment("tables")
                        .build();
        return parse(
                send("POST", url, table, null, Safety.IDEMPOTENT, 200, 201),
                ManagedTableInfo.class);
    }

    /**
     * {@code DELETE /v1/connections/{conn}/schemas/{schema}/tables/{table}}. The table is
     * tombstoned: it cannot be declared or loaded again. To empty a table use a zero-row replace.
     */
    public void deleteTable(String connectionId, String schema, String table)
            throws HotdataException {
        HttpUrl url =
                api("connections")
                        .addPathSegment(id(connectionId, "connectionId"))
                        .addPathSegment("schemas")
                        .addPathSegment(id(schema, "schema"))
                        .addPathSegment("tables")
                        .addPathSegment(id(table, "table"))
                        .build();
        send("DELETE", url, null, null, Safety.IDEMPOTENT, 200, 204);
    }

    // ------------------------------------------------------------------------------------------
    // uploads (reference §5)

    /** {@code POST /v1/uploads}: opens an upload session (an unused session is harmless). */
    public UploadSession createUpload(CreateUploadRequest request) throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url = api("uploads").build();
        UploadSession s =
                parse(
                        send("POST", url, request, null, Safety.IDEMPOTENT, 200, 201),
                        UploadSession.class);
        if (s.uploadId() == null || s.finalizeToken() == null) {
            throw protocolError(
                    "POST " + url.encodedPath(), 201, "upload session without id or token");
        }
        return s;
    }

    /**
     * {@code PUT}s bytes to a presigned storage URL and returns the {@code ETag} verbatim (quotes
     * kept). Sends only {@code Content-Length} and {@code headers}: no credentials. Retried on
     * 429/5xx/transport errors when {@code body} is replayable (not one-shot).
     */
    public String putToStorage(String url, Map<String, String> headers, RequestBody body)
            throws HotdataException {
        Objects.requireNonNull(body, "body");
        HttpUrl target = HttpUrl.parse(Objects.requireNonNull(url, "url"));
        if (target == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + stripQuery(url));
        }
        String desc = "PUT " + stripQuery(target.toString());
        Headers extra = headers == null || headers.isEmpty() ? Headers.of() : Headers.of(headers);
        Safety safety = body.isOneShot() ? Safety.NEVER : Safety.IDEMPOTENT;
        return withRetry(
                desc,
                safety,
                STORAGE_RETRY_AFTER_CAP_SECONDS,
                () -> {
                    Request req =
                            new Request.Builder().url(target).headers(extra).put(body).build();
                    try (Response resp = storage.newCall(req).execute()) {
                        if (!resp.isSuccessful()) {
                            throw httpError(
                                    desc,
                                    resp.code(),
                                    resp.headers(),
                                    readBody(resp, ERROR_BODY_MAX_BYTES));
                        }
                        String etag = resp.header("ETag");
                        if (etag == null || etag.trim().isEmpty()) {
                            throw protocolError(
                                    desc, resp.code(), "storage answered without an ETag");
                        }
                        return etag;
                    } catch (HotdataException e) {
                        throw e;
                    } catch (IOException e) {
                        throw transportError(desc, e);
                    }
                });
    }

    /** {@link #putToStorage(String, Map, RequestBody)} of {@code data[offset, offset+length)}. */
    public String putToStorage(
            String url, Map<String, String> headers, byte[] data, int offset, int length)
            throws HotdataException {
        return putToStorage(url, headers, RequestBody.create(data, null, offset, length));
    }

    /** {@link #putToStorage(String, Map, RequestBody)} of a byte range of a file (no buffering). */
    public String putToStorage(
            String url, Map<String, String> headers, Path file, long offset, long length)
            throws HotdataException {
        return putToStorage(url, headers, new FileRangeBody(file, offset, length));
    }

    /**
     * {@code POST /v1/uploads/{id}/parts}: mints presigned URLs for parts of a multipart session
     * (re-minting a number is allowed). Answer sorted by part number.
     */
    public List<PartUrl> mintParts(String uploadId, String finalizeToken, List<Integer> partNumbers)
            throws HotdataException {
        if (partNumbers == null || partNumbers.isEmpty()) {
            throw new IllegalArgumentException("partNumbers must not be empty");
        }
        HttpUrl url =
                api("uploads")
                        .addPathSegment(id(uploadId, "uploadId"))
                        .addPathSegment("parts")
                        .build();
        ObjectNode body = mapper.createObjectNode();
        ArrayNode numbers = body.putArray("part_numbers");
        partNumbers.forEach(numbers::add);
        Reply r =
                send(
                        "POST",
                        url,
                        body,
                        Headers.of(HEADER_FINALIZE_TOKEN, id(finalizeToken, "finalizeToken")),
                        Safety.IDEMPOTENT,
                        200,
                        201);
        JsonNode parts = tree(r).get("parts");
        if (parts == null || !parts.isArray()) {
            throw protocolError(r.desc, r.code, "parts answer without 'parts'");
        }
        List<PartUrl> out = new ArrayList<>();
        for (JsonNode p : parts) {
            out.add(convert(r, p, PartUrl.class));
        }
        out.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
        return out;
    }

    /**
     * {@code POST /v1/uploads/{id}/finalize}. For single sessions pass an empty list; for multipart
     * the uploaded parts (sent in ascending order). <b>Never retried</b>: finalize is exactly-once,
     * so after a failure the caller must decide (a repeated finalize of a finalized upload is
     * rejected).
     */
    public FinalizedUpload finalizeUpload(
            String uploadId, String finalizeToken, List<CompletedPart> partsOrEmpty)
            throws HotdataException {
        HttpUrl url =
                api("uploads")
                        .addPathSegment(id(uploadId, "uploadId"))
                        .addPathSegment("finalize")
                        .build();
        ObjectNode body = mapper.createObjectNode();
        if (partsOrEmpty != null && !partsOrEmpty.isEmpty()) {
            List<CompletedPart> sorted = new ArrayList<>(partsOrEmpty);
            Collections.sort(sorted);
            body.set("parts", mapper.valueToTree(sorted));
        }
        Reply r =
                send(
                        "POST",
                        url,
                        body,
                        Headers.of(HEADER_FINALIZE_TOKEN, id(finalizeToken, "finalizeToken")),
                        Safety.NEVER,
                        200,
                        201);
        return parse(r, FinalizedUpload.class);
    }

    /**
     * Uploads a file and finalizes it. Files up to {@link
     * HotdataClientConfig#singleUploadMaxBytes()} go as one PUT with a declared size; larger files
     * as a streaming multipart upload whose parts are PUT in parallel ({@link
     * HotdataClientConfig#uploadConcurrency()}) straight from file ranges (no part buffers).
     */
    public FinalizedUpload uploadFile(Path file, String contentType) throws HotdataException {
        Objects.requireNonNull(file, "file");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw localError("upload " + file.getFileName(), e);
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
                    throw protocolError("POST /v1/uploads", 201, "single session without url");
                }
                putToStorage(s.url(), s.headers(), file, 0, size);
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

    /**
     * Opens a streaming multipart upload (no declared size) for a file that is still being written,
     * so that its whole parts can be sent while it grows; see {@link HotdataGrowingFileUpload}.
     * Fails with a protocol error if the server does not answer with a multipart session.
     */
    public HotdataGrowingFileUpload startGrowingFileUpload(Path file, String contentType)
            throws HotdataException {
        Objects.requireNonNull(file, "file");
        String filename = file.getFileName() == null ? null : file.getFileName().toString();
        return new HotdataGrowingFileUpload(
                uploader, streamingSession(contentType, filename), file);
    }

    /**
     * Uploads a stream of unknown length as a streaming multipart upload and finalizes it. Parts
     * are read into at most {@code uploadConcurrency + 1} reused buffers of the session's part size
     * and PUT in parallel, so memory stays bounded by {@code (concurrency + 1) × partSize}. The
     * stream is not closed. An empty stream is rejected ({@code EMPTY_UPLOAD}).
     */
    public FinalizedUpload uploadStream(InputStream in, String contentType)
            throws HotdataException {
        Objects.requireNonNull(in, "in");
        UploadSession s =
                createUpload(
                        CreateUploadRequest.builder()
                                .partSize(config.uploadPartSize())
                                .contentType(contentType)
                                .build());
        return uploader.uploadStreamParts(s, in);
    }

    // ------------------------------------------------------------------------------------------
    // loads and jobs (reference §6, §7)

    /**
     * {@code POST /v1/databases/{db}/schemas/{schema}/tables/{table}/loads}. On 202 polls the job
     * until it ends (at most {@link HotdataClientConfig#jobTimeout()}) and returns its result. A
     * failed job throws with code {@link HotdataErrorCodes#JOB_FAILED} and the job's message.
     */
    public LoadResult load(String databaseId, String schema, String table, LoadRequest request)
            throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url =
                api("databases")
                        .addPathSegment(id(databaseId, "databaseId"))
                        .addPathSegment("schemas")
                        .addPathSegment(id(schema, "schema"))
                        .addPathSegment("tables")
                        .addPathSegment(id(table, "table"))
                        .addPathSegment("loads")
                        .build();
        Reply r = send("POST", url, request, null, loadSafety(request), 200, 201, 202);
        if (r.code != 202) {
            return parse(r, LoadResult.class);
        }
        JobSubmission submission = parse(r, JobSubmission.class);
        if (submission.id() == null) {
            throw protocolError(r.desc, r.code, "202 without a job id");
        }
        JobStatus job = awaitJob(submission.id(), config.jobTimeout());
        return loadResultOf(r.desc, job);
    }

    static Safety loadSafety(LoadRequest request) {
        if (request.uploadId() != null) {
            return Safety.IDEMPOTENT; // claimed once by the server
        }
        if (request.data() != null && request.idempotencyKey() != null) {
            return Safety.IDEMPOTENT;
        }
        if (request.resultId() != null && request.mode() == LoadMode.REPLACE) {
            return Safety.IDEMPOTENT;
        }
        return Safety.REJECTED_ONLY;
    }

    private LoadResult loadResultOf(String desc, JobStatus job) throws HotdataException {
        if (job.isSucceeded()) {
            JsonNode result = job.result();
            if (result == null || !result.isObject()) {
                throw protocolError(desc, 200, "job " + job.id() + " succeeded without a result");
            }
            try {
                return mapper.treeToValue(result, LoadResult.class);
            } catch (IOException e) {
                throw protocolError(desc, 200, "unreadable job result: " + e.getMessage());
            }
        }
        throw new HotdataException(
                desc,
                0,
                HotdataErrorCodes.JOB_FAILED,
                redact(job.errorMessage()),
                false,
                -1,
                1,
                false,
                "job " + job.id() + " ended " + job.status(),
                null);
    }

    /** {@code GET /v1/jobs/{id}}. */
    public JobStatus getJob(String jobId) throws HotdataException {
        HttpUrl url = api("jobs").addPathSegment(id(jobId, "jobId")).build();
        return parse(send("GET", url, null, null, Safety.IDEMPOTENT, 200), JobStatus.class);
    }

    /**
     * Polls a job (0.5 s growing to 5 s) until it is terminal or {@code timeout} passes; then
     * throws a transient {@link HotdataErrorCodes#CLIENT_TIMEOUT} (the job may still finish).
     */
    public JobStatus awaitJob(String jobId, Duration timeout) throws HotdataException {
        long start = clock.nanoTime();
        long budget = timeout.toNanos();
        long pauseMillis = 500;
        String desc = "GET /v1/jobs/" + jobId;
        while (true) {
            JobStatus job = getJob(jobId);
            if (job.isTerminal()) {
                return job;
            }
            long remaining = budget - (clock.nanoTime() - start);
            if (remaining <= 0) {
                throw clientTimeout(
                        desc, "job " + jobId + " still " + job.status() + " after " + timeout);
            }
            pause(
                    desc,
                    Duration.ofMillis(
                            Math.min(pauseMillis, TimeUnit.NANOSECONDS.toMillis(remaining) + 1)));
            pauseMillis = Math.min(5000, pauseMillis * 3 / 2);
        }
    }

    // ------------------------------------------------------------------------------------------
    // queries and results (reference §8)

    /**
     * {@code POST /v1/query} with {@code X-Database-Id}. A 202 answer is returned with {@link
     * QueryResponse#isAsync()} true (run id and status only).
     */
    public QueryResponse query(String databaseId, QueryRequest request) throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url = api("query").build();
        Reply r =
                send("POST", url, request, databaseHeader(databaseId), Safety.IDEMPOTENT, 200, 202);
        return parse(r, QueryResponse.class);
    }

    /** {@link #query(String, QueryRequest)} of plain SQL. */
    public QueryResponse query(String databaseId, String sql) throws HotdataException {
        return query(databaseId, QueryRequest.of(sql));
    }

    /** {@code GET /v1/query-runs/{id}} with {@code X-Database-Id}. */
    public QueryRunInfo getQueryRun(String databaseId, String queryRunId) throws HotdataException {
        HttpUrl url = api("query-runs").addPathSegment(id(queryRunId, "queryRunId")).build();
        return parse(
                send("GET", url, null, databaseHeader(databaseId), Safety.IDEMPOTENT, 200),
                QueryRunInfo.class);
    }

    /**
     * {@code GET /v1/results/{id}?offset&limit} (JSON) with {@code X-Database-Id}. A result still
     * computing answers a page with status {@code pending}/{@code processing} and {@code
     * retryAfterSeconds}; a failed result throws ({@code RESULT_FAILED}, HTTP 409). {@code
     * limitOrNull} 0 is a status-only poll; null = to the end.
     */
    public ResultPage getResult(
            String databaseId, String resultId, long offset, Integer limitOrNull)
            throws HotdataException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        HttpUrl.Builder b =
                api("results")
                        .addPathSegment(id(resultId, "resultId"))
                        .addQueryParameter("offset", String.valueOf(offset));
        if (limitOrNull != null) {
            b.addQueryParameter("limit", String.valueOf(limitOrNull));
        }
        Reply r =
                send(
                        "GET",
                        b.build(),
                        null,
                        databaseHeader(databaseId),
                        Safety.IDEMPOTENT,
                        200,
                        202);
        ResultPage page = parse(r, ResultPage.class);
        return page.withHeaderValues(
                longHeader(r.headers, HEADER_TOTAL_ROW_COUNT), retryAfterSeconds(r.headers));
    }

    /**
     * Waits until a result is ready — polling with {@code limit=0}, pausing as the server's {@code
     * Retry-After} says (else 0.5 s growing to 5 s) — then fetches all of it. After {@code timeout}
     * throws a transient {@link HotdataErrorCodes#CLIENT_TIMEOUT}.
     */
    public ResultPage awaitResult(String databaseId, String resultId, Duration timeout)
            throws HotdataException {
        long start = clock.nanoTime();
        long budget = timeout.toNanos();
        long pauseMillis = 500;
        String desc = "GET /v1/results/" + resultId;
        while (true) {
            ResultPage status = getResult(databaseId, resultId, 0, 0);
            if (status.isReady()) {
                return getResult(databaseId, resultId, 0, null);
            }
            long remaining = budget - (clock.nanoTime() - start);
            if (remaining <= 0) {
                throw clientTimeout(
                        desc,
                        "result " + resultId + " still " + status.status() + " after " + timeout);
            }
            long wait = pauseMillis;
            if (status.retryAfterSeconds() != null) {
                wait = Math.max(wait, TimeUnit.SECONDS.toMillis(status.retryAfterSeconds()));
            }
            pause(
                    desc,
                    Duration.ofMillis(
                            Math.min(wait, TimeUnit.NANOSECONDS.toMillis(remaining) + 1)));
            pauseMillis = Math.min(5000, pauseMillis * 3 / 2);
        }
    }

    // ------------------------------------------------------------------------------------------
    // information schema (reference §10)

    /** {@code GET /v1/information_schema} — one page. */
    public InformationSchemaPage informationSchema(InformationSchemaRequest request)
            throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl.Builder b = api("information_schema");
        addQuery(b, "connection_id", request.connectionId());
        addQuery(b, "schema", request.schema());
        addQuery(b, "table", request.table());
        addQuery(b, "include_columns", request.includeColumns());
        addQuery(b, "limit", request.limit());
        addQuery(b, "cursor", request.cursor());
        return parse(
                send("GET", b.build(), null, null, Safety.IDEMPOTENT, 200),
                InformationSchemaPage.class);
    }

    /** Releases connections and threads. */
    @Override
    public void close() {
        api.dispatcher().executorService().shutdown();
        api.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "HotdataClient{" + config + '}';
    }

    // ------------------------------------------------------------------------------------------
    // HTTP plumbing

    /** A successful HTTP answer, body read. */
    static final class Reply {
        final String desc;
        final int code;
        final Headers headers;
        final String body;

        Reply(String desc, int code, Headers headers, String body) {
            this.desc = desc;
            this.code = code;
            this.headers = headers;
            this.body = body;
        }
    }

    /** One attempt of a call. */
    interface Attempt<T> {
        T run() throws HotdataException;
    }

    private HttpUrl.Builder api(String first) {
        return base.newBuilder().addPathSegment("v1").addPathSegment(first);
    }

    private static Headers databaseHeader(String databaseId) {
        return Headers.of(HEADER_DATABASE, id(databaseId, "databaseId"));
    }

    private static String id(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    private static void addQuery(HttpUrl.Builder b, String name, Object value) {
        if (value != null) {
            b.addQueryParameter(name, String.valueOf(value));
        }
    }

    /**
     * Sends an API request with the call's retry safety; returns a reply with an accepted status.
     */
    Reply send(
            String method,
            HttpUrl url,
            Object jsonBody,
            Headers extraHeaders,
            Safety safety,
            int... accepted)
            throws HotdataException {
        String desc = method + " " + url.encodedPath();
        byte[] payload;
        try {
            payload = jsonBody == null ? null : mapper.writeValueAsBytes(jsonBody);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot serialise " + jsonBody.getClass().getSimpleName(), e);
        }
        return withRetry(
                desc,
                safety,
                Long.MAX_VALUE,
                () -> {
                    Request.Builder rb =
                            new Request.Builder()
                                    .url(url)
                                    .header("Authorization", "Bearer " + apiKey)
                                    .header(HEADER_WORKSPACE, config.workspaceId())
                                    .header("User-Agent", config.userAgent())
                                    .header("Accept", "application/json");
                    if (extraHeaders != null) {
                        for (int i = 0; i < extraHeaders.size(); i++) {
                            rb.header(extraHeaders.name(i), extraHeaders.value(i));
                        }
                    }
                    rb.method(method, payload == null ? null : new OneShotJson(payload));
                    return exchange(rb.build(), desc, accepted);
                });
    }

    private Reply exchange(Request request, String desc, int[] accepted) throws HotdataException {
        try (Response resp = api.newCall(request).execute()) {
            int code = resp.code();
            boolean ok = false;
            for (int a : accepted) {
                ok |= a == code;
            }
            if (!ok) {
                throw httpError(desc, code, resp.headers(), readBody(resp, ERROR_BODY_MAX_BYTES));
            }
            String body = readBody(resp, Long.MAX_VALUE);
            LOG.debug("Hotdata {} -> {}", desc, code);
            return new Reply(desc, code, resp.headers(), body);
        } catch (HotdataException e) {
            throw e;
        } catch (IOException e) {
            throw transportError(desc, e);
        }
    }

    private static String readBody(Response resp, long maxBytes) throws IOException {
        ResponseBody body = resp.body();
        if (body == null) {
            return "";
        }
        if (maxBytes == Long.MAX_VALUE) {
            return body.string();
        }
        BufferedSource source = body.source();
        Buffer buf = new Buffer();
        while (buf.size() < maxBytes
                && source.read(buf, Math.min(8192, maxBytes - buf.size())) != -1) {
            // keep reading up to the cap; the rest of an oversized error body is discarded
        }
        return buf.readString(StandardCharsets.UTF_8);
    }

    /** Runs {@code attempt}, retrying as {@code safety} and the retry policy allow. */
    <T> T withRetry(String desc, Safety safety, long retryAfterCapSeconds, Attempt<T> attempt)
            throws HotdataException {
        RetryPolicy policy = config.retryPolicy();
        long start = clock.nanoTime();
        long deadlineNanos = policy.deadline().toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            HotdataException failure;
            try {
                return attempt.run();
            } catch (HotdataException e) {
                failure = e;
            }
            if (!retryAllowed(safety, failure)) {
                throw attempts > 1 ? failure.afterAttempts(attempts, null) : failure;
            }
            if (attempts > policy.maxRetries()) {
                throw attempts > 1
                        ? failure.afterAttempts(
                                attempts, "gave up after " + policy.maxRetries() + " retries")
                        : failure;
            }
            Duration retryAfter = null;
            if (failure.retryAfterSeconds().isPresent()) {
                retryAfter =
                        Duration.ofSeconds(
                                Math.min(
                                        failure.retryAfterSeconds().getAsLong(),
                                        retryAfterCapSeconds));
            }
            Duration wait = policy.backoff(attempts, retryAfter);
            long elapsed = clock.nanoTime() - start;
            if (elapsed + wait.toNanos() > deadlineNanos) {
                throw failure.afterAttempts(
                        attempts,
                        "retry deadline of "
                                + policy.deadline()
                                + " reached; next retry would have waited "
                                + wait.toMillis()
                                + " ms");
            }
            LOG.warn(
                    "Hotdata call failed, retrying in {} ms (attempt {} of at most {}): {}",
                    wait.toMillis(),
                    attempts + 1,
                    policy.maxRetries() + 1,
                    failure.getMessage());
            pause(desc, wait);
        }
    }

    static boolean retryAllowed(Safety safety, HotdataException e) {
        if (!e.isTransient()) {
            return false;
        }
        switch (safety) {
            case IDEMPOTENT:
                return true;
            case REJECTED_ONLY:
                if (e.statusCode() == 0) {
                    return e.notSent();
                }
                // 429 and 503 reject before work; the transient 409s are lock/claim rejections
                return e.statusCode() == 429 || e.statusCode() == 503 || e.statusCode() == 409;
            case NEVER:
            default:
                return false;
        }
    }

    private void pause(String desc, Duration wait) throws HotdataException {
        try {
            clock.sleep(wait);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new HotdataException(
                    desc,
                    0,
                    HotdataErrorCodes.INTERRUPTED,
                    "interrupted while waiting",
                    false,
                    null,
                    ie);
        }
    }

    /** Classifies an HTTP status (and error code) as transient. */
    static boolean isTransient(int status, String errorCode) {
        if (status == 429) {
            return true;
        }
        if (status >= 500 && status <= 599) {
            return status != 501;
        }
        return status == 409
                && (HotdataErrorCodes.RESOURCE_LOCKED.equals(errorCode)
                        || HotdataErrorCodes.UPLOAD_IN_FLIGHT.equals(errorCode));
    }

    HotdataException httpError(String desc, int status, Headers headers, String body) {
        ErrorBodies.Parsed p = ErrorBodies.parse(redact(body));
        Long retryAfter = retryAfterSeconds(headers);
        return new HotdataException(
                desc,
                status,
                p.code,
                redact(p.message),
                isTransient(status, p.code),
                retryAfter,
                null);
    }

    HotdataException transportError(String desc, IOException e) {
        if (Thread.currentThread().isInterrupted()
                || (e instanceof InterruptedIOException
                        && !(e instanceof SocketTimeoutException))) {
            return new HotdataException(
                    desc, 0, HotdataErrorCodes.INTERRUPTED, "interrupted", false, null, e);
        }
        boolean notSent =
                e instanceof ConnectException
                        || e instanceof NoRouteToHostException
                        || e instanceof UnknownHostException
                        || (e instanceof SocketTimeoutException
                                && "connect timed out".equals(e.getMessage()));
        boolean tlsFailure =
                e instanceof SSLPeerUnverifiedException || e instanceof SSLHandshakeException;
        String raw = e.getMessage();
        String text = e.getClass().getSimpleName() + (raw == null ? "" : ": " + redact(raw));
        // an exception whose message would reveal the key is not attached as cause
        Throwable cause = raw != null && !apiKey.isEmpty() && raw.contains(apiKey) ? null : e;
        return new HotdataException(desc, 0, null, text, !tlsFailure, -1, 1, notSent, null, cause);
    }

    HotdataException protocolError(String desc, int status, String message) {
        return new HotdataException(
                desc, status, HotdataErrorCodes.PROTOCOL_ERROR, redact(message), false, null, null);
    }

    HotdataException localError(String desc, IOException e) {
        return new HotdataException(
                desc,
                0,
                HotdataErrorCodes.LOCAL_IO_ERROR,
                e.getClass().getSimpleName() + ": " + redact(e.getMessage()),
                false,
                null,
                e);
    }

    private static HotdataException clientTimeout(String desc, String message) {
        return new HotdataException(
                desc, 0, HotdataErrorCodes.CLIENT_TIMEOUT, message, true, null, null);
    }

    /** Removes the API key (and any bearer token) from a text. */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (!apiKey.isEmpty()) {
            out = out.replace(apiKey, "****");
        }
        Matcher m = BEARER.matcher(out);
        return m.find() ? m.replaceAll("$1 ****") : out;
    }

    static Long retryAfterSeconds(Headers headers) {
        String v = headers.get("Retry-After");
        if (v == null) {
            return null;
        }
        try {
            return Math.max(0L, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            java.util.Date date = headers.getDate("Retry-After");
            if (date == null) {
                return null;
            }
            return Math.max(0L, (date.getTime() - System.currentTimeMillis() + 999) / 1000);
        }
    }

    private static Long longHeader(Headers headers, String name) {
        String v = headers.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private <T> T parse(Reply r, Class<T> type) throws HotdataException {
        try {
            T value = mapper.readValue(r.body.isEmpty() ? "{}" : r.body, type);
            if (value == null) {
                throw protocolError(r.desc, r.code, "empty JSON answer");
            }
            return value;
        } catch (IOException e) {
            throw protocolError(r.desc, r.code, "unreadable JSON answer: " + jsonProblem(e));
        }
    }

    private <T> T convert(Reply r, JsonNode node, Class<T> type) throws HotdataException {
        try {
            return mapper.treeToValue(node, type);
        } catch (IOException e) {
            throw protocolError(r.desc, r.code, "unreadable JSON answer: " + jsonProblem(e));
        }
    }

    private JsonNode tree(Reply r) throws HotdataException {
        try {
            JsonNode n = mapper.readTree(r.body);
            if (n == null || !n.isObject()) {
                throw protocolError(r.desc, r.code, "expected a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw protocolError(r.desc, r.code, "unreadable JSON answer: " + jsonProblem(e));
        }
    }

    private static String jsonProblem(IOException e) {
        return e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage();
    }

    static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /**
     * A JSON body OkHttp must not replay by itself: once bytes were sent, only {@link #withRetry}
     * decides whether to repeat the call.
     */
    private static final class OneShotJson extends RequestBody {
        private final byte[] bytes;

        OneShotJson(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public MediaType contentType() {
            return JSON;
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public boolean isOneShot() {
            return true;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sink.write(bytes);
        }
    }
}
