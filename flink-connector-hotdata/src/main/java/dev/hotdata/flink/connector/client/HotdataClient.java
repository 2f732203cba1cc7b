package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.HotdataTransport.Reply;
import dev.hotdata.flink.connector.client.HotdataTransport.Safety;
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

import okhttp3.HttpUrl;
import okhttp3.RequestBody;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import static dev.hotdata.flink.connector.client.HotdataTransport.id;

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
 * except 501, 409 {@code RESOURCE_LOCKED}; a 409 {@code CONFLICT} or with any other code is
 * terminal) are retried with the config's {@link RetryPolicy} (exponential back-off with jitter,
 * never shorter than {@code Retry-After}, bounded by {@code maxRetries} and {@code deadline}) — but
 * only as far as each call is safe to repeat:
 *
 * <table>
 *   <caption>Per-call retry classification</caption>
 *   <tr><th>call</th><th>retried on</th><th>why</th></tr>
 *   <tr><td>GET, DELETE, {@code query}, {@code createUpload}, {@code createUploads},
 *       {@code mintParts}, {@code addSchema}, {@code addTable}</td><td>every transient failure</td><td>repeating is harmless (a replayed
 *       declare or delete may answer 409/404 when the first attempt had succeeded)</td></tr>
 *   <tr><td>{@code load} with {@code uploadId}</td><td>every transient failure</td><td>the server
 *       claims an upload once, so a replay cannot apply twice (it answers with the original
 *       result, or 409 {@code CONFLICT})</td></tr>
 *   <tr><td>{@code load} with inline {@code data} and an {@code idempotencyKey}, {@code load} with
 *       {@code resultId} in {@code replace} mode</td><td>every transient failure</td><td>the server
 *       dedupes / the outcome is the same</td></tr>
 *   <tr><td>{@code createDatabase}, other loads</td><td>only failures that prove the request was not
 *       applied: connect failures (refused, unknown host, connect timeout), 429, 503, 409 {@code
 *       RESOURCE_LOCKED}</td><td>a replay after a lost answer would create
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

    private static final int MAX_LIST_PAGES = 1000;

    private final HotdataTransport transport;
    private final HotdataUploads uploads;
    private final HotdataLoads loads;
    private final HotdataQueries queries;

    /**
     * A client for {@code config} using the real clock; settings {@code config} leaves unset are
     * read from this process's environment now (see {@link HotdataClientConfig#resolve}).
     *
     * @throws IllegalStateException when the API key or workspace id is neither configured nor in
     *     the environment
     */
    public HotdataClient(HotdataClientConfig config) {
        this(config, HotdataClock.system());
    }

    /** A client with an injected clock (tests: back-off without really sleeping). */
    public HotdataClient(HotdataClientConfig config, HotdataClock clock) {
        this(config, clock, System::getenv);
    }

    /** A client whose unset settings are read from {@code env} instead of the process's. */
    HotdataClient(HotdataClientConfig config, HotdataClock clock, Function<String, String> env) {
        this.transport = new HotdataTransport(config.resolve(env), clock);
        this.uploads = new HotdataUploads(transport);
        this.loads = new HotdataLoads(transport);
        this.queries = new HotdataQueries(transport);
    }

    /**
     * The configuration with every connection setting resolved (its {@code toString()} masks the
     * key).
     */
    public HotdataClientConfig config() {
        return transport.config();
    }

    /**
     * How many 409 {@code RESOURCE_LOCKED} answers (another load holds the write lock) this client
     * has received, each attempt counted, including those its retries hid: lets a caller learn that
     * its loads contend for a lock.
     */
    public long resourceLockedAnswers() {
        return transport.resourceLockedAnswers();
    }

    MultipartUploader uploader() {
        return uploads.uploader();
    }

    // ------------------------------------------------------------------------------------------
    // databases (reference §4)

    /**
     * {@code POST /v1/databases}. Not replayed after a failure that may have reached the server.
     * With {@link CreateDatabaseRequest#ifNotExists()} a server that offers get-or-create answers
     * 200 with the existing database ({@link DatabaseInfo#created()} {@code false}) and 409 when
     * several carry the name; {@link DatabaseInfo#created()} {@code null} means the server does not
     * offer it and created a database.
     */
    public DatabaseInfo createDatabase(CreateDatabaseRequest request) throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url = transport.api("databases").build();
        Reply r = transport.send("POST", url, request, null, Safety.REJECTED_ONLY, 200, 201);
        return transport.parse(r, DatabaseInfo.class);
    }

    /** {@code GET /v1/databases/{id}}. */
    public DatabaseInfo getDatabase(String databaseId) throws HotdataException {
        HttpUrl url =
                transport.api("databases").addPathSegment(id(databaseId, "databaseId")).build();
        return transport.parse(
                transport.send("GET", url, null, null, Safety.IDEMPOTENT, 200), DatabaseInfo.class);
    }

    /** {@code GET /v1/databases?search&limit&cursor} — one page, newest first. */
    public DatabasePage listDatabases(String searchOrNull, Integer limitOrNull, String cursorOrNull)
            throws HotdataException {
        HttpUrl.Builder b = transport.api("databases");
        if (searchOrNull != null) {
            b.addQueryParameter("search", searchOrNull);
        }
        if (limitOrNull != null) {
            b.addQueryParameter("limit", String.valueOf(limitOrNull));
        }
        if (cursorOrNull != null) {
            b.addQueryParameter("cursor", cursorOrNull);
        }
        return transport.parse(
                transport.send("GET", b.build(), null, null, Safety.IDEMPOTENT, 200),
                DatabasePage.class);
    }

    /**
     * All databases matching {@code searchOrNull} (case-insensitive substring of the name),
     * following cursors for at most 1000 pages of 100.
     */
    public List<DatabaseSummary> listAllDatabases(String searchOrNull) throws HotdataException {
        String desc = "GET " + transport.api("databases").build().encodedPath();
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
                throw transport.protocolError(desc, 200, "the server repeated cursor " + next);
            }
            cursor = next;
        }
        throw transport.protocolError(
                desc, 200, "more than " + MAX_LIST_PAGES + " pages of databases");
    }

    /**
     * The database named {@code name}, or {@code null} when there is none. Names are not unique in
     * Hotdata. Where the server offers it, this is {@code GET /v1/databases/by-name?name=} (404
     * none, 409 several); otherwise, and whenever that answers 404, 405 or 400 (an older server
     * takes {@code by-name} for a database id and answers 404 — indistinguishable by status and by
     * attested code from "no database has that name", so a 404 is always confirmed by the listing),
     * every candidate of the listing's substring search is listed and the exact matches kept.
     *
     * <p>Names match as the server's look-up matches them: ignoring the case of ASCII letters only
     * ({@code Sales} is {@code sales}, {@code É} is not {@code é}).
     *
     * @throws HotdataAmbiguousNameException when several databases have that name
     */
    public DatabaseSummary findDatabaseByName(String name)
            throws HotdataException, HotdataAmbiguousNameException {
        Objects.requireNonNull(name, "name");
        if (!name.isEmpty()) {
            HttpUrl url =
                    transport
                            .api("databases")
                            .addPathSegment("by-name")
                            .addQueryParameter("name", name)
                            .build();
            try {
                DatabaseSummary found =
                        transport.parse(
                                transport.send("GET", url, null, null, Safety.IDEMPOTENT, 200),
                                DatabaseSummary.class);
                // a server that answers 200 by some other route would name another database
                if (found != null && found.name() != null && sameName(name, found.name())) {
                    return found;
                }
            } catch (HotdataException e) {
                int status = e.statusCode();
                if (status != 404 && status != 405 && status != 400 && status != 409) {
                    throw e;
                }
                // 409: several carry the name; the listing names them for the exception
            }
        }
        return findDatabaseByNameInListing(name);
    }

    /** The list-and-match path of {@link #findDatabaseByName(String)}. */
    private DatabaseSummary findDatabaseByNameInListing(String name)
            throws HotdataException, HotdataAmbiguousNameException {
        List<DatabaseSummary> matches = new ArrayList<>();
        for (DatabaseSummary db : listAllDatabases(name)) {
            if (db.name() != null && sameName(name, db.name())) {
                matches.add(db);
            }
        }
        if (matches.size() > 1) {
            throw new HotdataAmbiguousNameException(name, matches);
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    /**
     * Whether two database names are the same name: equal but for the case of ASCII letters, as the
     * server's look-up by name and {@code if_not_exists} compare them.
     */
    static boolean sameName(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && asciiLower(x) != asciiLower(y)) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** {@code DELETE /v1/databases/{id}} (drops its data). */
    public void deleteDatabase(String databaseId) throws HotdataException {
        HttpUrl url =
                transport.api("databases").addPathSegment(id(databaseId, "databaseId")).build();
        transport.send("DELETE", url, null, null, Safety.IDEMPOTENT, 200, 204);
    }

    /** {@code POST /v1/databases/{id}/schemas}: declares a schema (and tables) in place. */
    public ManagedSchemaInfo addSchema(String databaseId, SchemaDeclaration schema)
            throws HotdataException {
        Objects.requireNonNull(schema, "schema");
        HttpUrl url =
                transport
                        .api("databases")
                        .addPathSegment(id(databaseId, "databaseId"))
                        .addPathSegment("schemas")
                        .build();
        return transport.parse(
                transport.send("POST", url, schema, null, Safety.IDEMPOTENT, 200, 201),
                ManagedSchemaInfo.class);
    }

    /** {@code POST /v1/databases/{id}/schemas/{schema}/tables}: declares a table in place. */
    public ManagedTableInfo addTable(String databaseId, String schema, TableDeclaration table)
            throws HotdataException {
        Objects.requireNonNull(table, "table");
        HttpUrl url =
                transport
                        .api("databases")
                        .addPathSegment(id(databaseId, "databaseId"))
                        .addPathSegment("schemas")
                        .addPathSegment(id(schema, "schema"))
                        .addPathSegment("tables")
                        .build();
        return transport.parse(
                transport.send("POST", url, table, null, Safety.IDEMPOTENT, 200, 201),
                ManagedTableInfo.class);
    }

    /**
     * {@code DELETE /v1/connections/{conn}/schemas/{schema}/tables/{table}}. The table is
     * tombstoned: it cannot be declared or loaded again. To empty a table use a zero-row replace.
     */
    public void deleteTable(String connectionId, String schema, String table)
            throws HotdataException {
        HttpUrl url =
                transport
                        .api("connections")
                        .addPathSegment(id(connectionId, "connectionId"))
                        .addPathSegment("schemas")
                        .addPathSegment(id(schema, "schema"))
                        .addPathSegment("tables")
                        .addPathSegment(id(table, "table"))
                        .build();
        transport.send("DELETE", url, null, null, Safety.IDEMPOTENT, 200, 204);
    }

    // ------------------------------------------------------------------------------------------
    // uploads (reference §5)

    /** {@code POST /v1/uploads}: opens an upload session (an unused session is harmless). */
    public UploadSession createUpload(CreateUploadRequest request) throws HotdataException {
        return uploads.createUpload(request);
    }

    /**
     * Opens one upload session per request, in the same order, with {@code POST /v1/uploads/batch}
     * (one round trip for up to 100 requests; longer lists take one call per 100). Retried as
     * {@link #createUpload} is: an unused session is harmless, it expires. An empty list asks
     * nothing.
     *
     * <p>A server without the route (404 or 405) is remembered by this client, which then opens
     * sessions one by one with {@code POST /v1/uploads} and no longer asks. A 400 for several
     * requests (one is invalid, or the batch is beyond a limit of the server) is answered by
     * opening them one by one for this call: either all open, or the first invalid request's own
     * 400 is thrown (sessions opened before it are abandoned and expire).
     */
    public List<UploadSession> createUploads(List<CreateUploadRequest> requests)
            throws HotdataException {
        return uploads.createUploads(requests);
    }

    /**
     * {@code PUT}s bytes to a presigned storage URL and returns the {@code ETag} verbatim (quotes
     * kept). Sends only {@code Content-Length} and {@code headers}: no credentials. Retried on
     * 429/5xx/transport errors when {@code body} is replayable (not one-shot).
     */
    public String putToStorage(String url, Map<String, String> headers, RequestBody body)
            throws HotdataException {
        return transport.putToStorage(url, headers, body);
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
        return uploads.mintParts(uploadId, finalizeToken, partNumbers);
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
        return uploads.finalizeUpload(uploadId, finalizeToken, partsOrEmpty);
    }

    /**
     * Uploads a file and finalizes it. Files up to {@link
     * HotdataClientConfig#singleUploadMaxBytes()} go as one PUT with a declared size; larger files
     * as a streaming multipart upload whose parts are PUT in parallel ({@link
     * HotdataClientConfig#uploadConcurrency()}) straight from file ranges (no part buffers).
     */
    public FinalizedUpload uploadFile(Path file, String contentType) throws HotdataException {
        return uploads.uploadFile(file, contentType);
    }

    /**
     * Uploads several files and finalizes each, as {@link #uploadFile} does one, but opens their
     * sessions together ({@link #createUploads}: one round trip per 100 files). Files up to {@link
     * HotdataClientConfig#singleUploadMaxBytes()} are then PUT in parallel (up to {@link
     * HotdataClientConfig#uploadConcurrency()} at once) and finalized; larger ones go after them,
     * one at a time, as streaming multipart uploads with parallel parts. A single PUT answered 403
     * (its presigned URL expired while other files went) is retried once with a fresh session.
     *
     * <p>Returns the finalized uploads in the order of {@code files}. The first failure cancels the
     * remaining files and is thrown; uploads already finalized are then left unused (the server
     * expires them).
     */
    public List<FinalizedUpload> uploadFiles(List<Path> files, String contentType)
            throws HotdataException {
        return uploads.uploadFiles(files, contentType);
    }

    /**
     * Opens a streaming multipart upload (no declared size) for a file that is still being written,
     * so that its whole parts can be sent while it grows; see {@link HotdataGrowingFileUpload}.
     * Fails with a protocol error if the server does not answer with a multipart session.
     */
    public HotdataGrowingFileUpload startGrowingFileUpload(Path file, String contentType)
            throws HotdataException {
        return uploads.startGrowingFileUpload(file, contentType);
    }

    /**
     * Uploads a stream of unknown length as a streaming multipart upload and finalizes it. Parts
     * are read into at most {@code uploadConcurrency + 1} reused buffers of the session's part size
     * and PUT in parallel, so memory stays bounded by {@code (concurrency + 1) × partSize}. The
     * stream is not closed. An empty stream is rejected ({@code EMPTY_UPLOAD}).
     */
    public FinalizedUpload uploadStream(InputStream in, String contentType)
            throws HotdataException {
        return uploads.uploadStream(in, contentType);
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
        return loads.load(databaseId, schema, table, request);
    }

    /** {@code GET /v1/jobs/{id}}. */
    public JobStatus getJob(String jobId) throws HotdataException {
        return loads.getJob(jobId);
    }

    /**
     * Polls a job (0.5 s growing to 5 s) until it is terminal or {@code timeout} passes; then
     * throws a transient {@link HotdataErrorCodes#CLIENT_TIMEOUT} (the job may still finish).
     */
    public JobStatus awaitJob(String jobId, Duration timeout) throws HotdataException {
        return loads.awaitJob(jobId, timeout);
    }

    // ------------------------------------------------------------------------------------------
    // queries and results (reference §8)

    /**
     * {@code POST /v1/query} with {@code X-Database-Id}. A 202 answer is returned with {@link
     * QueryResponse#isAsync()} true (run id and status only).
     */
    public QueryResponse query(String databaseId, QueryRequest request) throws HotdataException {
        return queries.query(databaseId, request);
    }

    /** {@link #query(String, QueryRequest)} of plain SQL. */
    public QueryResponse query(String databaseId, String sql) throws HotdataException {
        return query(databaseId, QueryRequest.of(sql));
    }

    /** {@code GET /v1/query-runs/{id}} with {@code X-Database-Id}. */
    public QueryRunInfo getQueryRun(String databaseId, String queryRunId) throws HotdataException {
        return queries.getQueryRun(databaseId, queryRunId);
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
        return queries.getResult(databaseId, resultId, offset, limitOrNull);
    }

    /**
     * Waits until a result is ready — polling with {@code limit=0}, pausing as the server's {@code
     * Retry-After} says (else 0.5 s growing to 5 s) — then fetches all of it. After {@code timeout}
     * throws a transient {@link HotdataErrorCodes#CLIENT_TIMEOUT}.
     */
    public ResultPage awaitResult(String databaseId, String resultId, Duration timeout)
            throws HotdataException {
        return queries.awaitResult(databaseId, resultId, timeout);
    }

    // ------------------------------------------------------------------------------------------
    // information schema (reference §10)

    /** {@code GET /v1/information_schema} — one page. */
    public InformationSchemaPage informationSchema(InformationSchemaRequest request)
            throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl.Builder b = transport.api("information_schema");
        addQuery(b, "connection_id", request.connectionId());
        addQuery(b, "schema", request.schema());
        addQuery(b, "table", request.table());
        addQuery(b, "include_columns", request.includeColumns());
        addQuery(b, "limit", request.limit());
        addQuery(b, "cursor", request.cursor());
        return transport.parse(
                transport.send("GET", b.build(), null, null, Safety.IDEMPOTENT, 200),
                InformationSchemaPage.class);
    }

    /** Releases connections and threads. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "HotdataClient{" + config() + '}';
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    private static void addQuery(HttpUrl.Builder b, String name, Object value) {
        if (value != null) {
            b.addQueryParameter(name, String.valueOf(value));
        }
    }
}
