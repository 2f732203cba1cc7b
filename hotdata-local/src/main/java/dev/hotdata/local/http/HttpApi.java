package dev.hotdata.local.http;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.api.LockScope;
import dev.hotdata.local.api.ServerReadings;
import dev.hotdata.local.api.ServerSettings;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.catalog.Catalog;
import dev.hotdata.local.catalog.InformationSchema;
import dev.hotdata.local.fault.FaultInjector;
import dev.hotdata.local.fault.FaultRule;
import dev.hotdata.local.fault.RequestLog;
import dev.hotdata.local.fault.RequestLogEntry;
import dev.hotdata.local.jobs.JobService;
import dev.hotdata.local.load.LoadService;
import dev.hotdata.local.query.QueryService;
import dev.hotdata.local.query.ResultResponse;
import dev.hotdata.local.upload.StorageError;
import dev.hotdata.local.upload.UploadService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP front: routing, authentication, fault injection, the request log and the mapping of
 * exceptions to the error envelope {@code {"error":{"code","message"}}}.
 */
public final class HttpApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern STORAGE_PATH = Pattern.compile("/_storage/([^/]+)/([^/]+)");

    private final ServerSettings settings;
    private final ServerReadings readings;
    private final FaultInjector faults;
    private final RequestLog log;
    private final UploadService uploads;
    private final List<Route> routes = new ArrayList<>();

    public HttpApi(
            ServerSettings settings,
            ServerReadings readings,
            FaultInjector faults,
            RequestLog log,
            Catalog catalog,
            InformationSchema infoSchema,
            UploadService uploads,
            LoadService loads,
            QueryService queries,
            JobService jobs) {
        this.settings = settings;
        this.readings = readings;
        this.faults = faults;
        this.log = log;
        this.uploads = uploads;
        Route.Scope api = Route.Scope.API;

        // databases
        route(
                "POST",
                "/v1/databases",
                api,
                r -> {
                    // an older server (reading databaseNameLookup off) knows neither
                    // if_not_exists nor created: it creates, and answers 201 without the field
                    boolean offered = readings.databaseNameLookup();
                    JsonNode body = r.json();
                    Catalog.Created c =
                            catalog.createDatabase(
                                    r.workspace,
                                    body,
                                    offered && body.path("if_not_exists").asBoolean(false),
                                    offered);
                    return Response.json(c.status, c.body);
                });
        route(
                "GET",
                "/v1/databases/count",
                api,
                r -> Response.json(200, catalog.countDatabases(r.workspace, r.query("search"))));
        route(
                "GET",
                "/v1/databases/by-name",
                api,
                r ->
                        Response.json(
                                200,
                                readings.databaseNameLookup()
                                        ? catalog.lookupDatabaseByName(
                                                r.workspace, r.query.get("name"))
                                        // an older server routes the path to GET /databases/{id}
                                        : catalog.getDatabase(r.workspace, "by-name")));
        route(
                "GET",
                "/v1/databases",
                api,
                r ->
                        Response.json(
                                200,
                                catalog.listDatabases(
                                        r.workspace,
                                        r.query("search"),
                                        intParam(r, "limit"),
                                        r.query("cursor"))));
        route(
                "GET",
                "/v1/databases/{id}",
                api,
                r -> Response.json(200, catalog.getDatabase(r.workspace, r.param(0))));
        route(
                "DELETE",
                "/v1/databases/{id}",
                api,
                r -> {
                    catalog.deleteDatabase(r.workspace, r.param(0));
                    return Response.empty(204);
                });
        // schemas and tables, both scopes
        for (String scope : new String[] {"databases", "connections"}) {
            boolean byConn = scope.equals("connections");
            route(
                    "POST",
                    "/v1/" + scope + "/{id}/schemas",
                    api,
                    r ->
                            Response.json(
                                    201,
                                    catalog.addSchema(r.workspace, r.param(0), byConn, r.json())));
            route(
                    "POST",
                    "/v1/" + scope + "/{id}/schemas/{schema}/tables",
                    api,
                    r ->
                            Response.json(
                                    201,
                                    catalog.addTable(
                                            r.workspace,
                                            r.param(0),
                                            byConn,
                                            r.param(1),
                                            r.json())));
            route(
                    "POST",
                    "/v1/" + scope + "/{id}/schemas/{schema}/tables/{table}/loads",
                    api,
                    r -> {
                        LoadService.Outcome o =
                                loads.load(
                                        r.workspace,
                                        r.param(0),
                                        byConn,
                                        r.param(1),
                                        r.param(2),
                                        r.json());
                        Response resp = Response.json(o.status, o.body);
                        resp.replayed = o.replayed;
                        if (o.status >= 400) {
                            resp.errorCode = o.body.path("error").path("code").asText(null);
                        }
                        return resp;
                    });
        }
        route(
                "DELETE",
                "/v1/connections/{id}/schemas/{schema}/tables/{table}",
                api,
                r -> {
                    catalog.deleteTable(r.workspace, r.param(0), r.param(1), r.param(2));
                    return Response.empty(204);
                });
        // uploads
        route(
                "POST",
                "/v1/uploads",
                api,
                r -> Response.json(201, uploads.create(r.workspace, r.json())));
        route(
                "POST",
                "/v1/uploads/batch",
                api,
                r -> Response.json(201, uploads.createBatch(r.workspace, r.json())));
        route(
                "POST",
                "/v1/uploads/{id}/parts",
                api,
                r ->
                        Response.json(
                                200,
                                uploads.mintParts(
                                        r.workspace,
                                        r.param(0),
                                        r.header("X-Upload-Finalize-Token"),
                                        r.json())));
        route(
                "POST",
                "/v1/uploads/{id}/finalize",
                api,
                r ->
                        Response.json(
                                200,
                                uploads.finalizeUpload(
                                        r.workspace,
                                        r.param(0),
                                        r.header("X-Upload-Finalize-Token"),
                                        r.json())));
        route("PUT", "/_storage/{id}/{part}", Route.Scope.STORAGE, r -> storagePut(uploads, r));
        // jobs
        route(
                "GET",
                "/v1/jobs/{id}",
                api,
                r -> Response.json(200, jobs.get(r.workspace, r.param(0))));
        route(
                "GET",
                "/v1/jobs",
                api,
                r -> {
                    Integer limit = intParam(r, "limit");
                    Integer offset = intParam(r, "offset");
                    return Response.json(
                            200,
                            jobs.list(
                                    r.workspace,
                                    r.query("job_type"),
                                    r.query("status"),
                                    limit == null ? 50 : Math.max(1, limit),
                                    offset == null ? 0 : Math.max(0, offset)));
                });
        // queries and results
        route(
                "POST",
                "/v1/query",
                api,
                r -> {
                    QueryService.Outcome o =
                            queries.query(r.workspace, r.header("X-Database-Id"), r.json());
                    return Response.json(o.status, o.body);
                });
        route(
                "GET",
                "/v1/query-runs/{id}",
                api,
                r ->
                        Response.json(
                                200,
                                queries.queryRun(
                                        r.workspace, r.header("X-Database-Id"), r.param(0))));
        route(
                "GET",
                "/v1/results/{id}",
                api,
                r -> {
                    ResultResponse rr =
                            queries.result(
                                    r.workspace,
                                    r.header("X-Database-Id"),
                                    r.param(0),
                                    r.query("format"),
                                    r.header("Accept"),
                                    r.query("offset"),
                                    r.query("limit"));
                    Response resp = new Response(rr.status, rr.contentType, rr.body);
                    resp.headers.putAll(rr.headers);
                    return resp;
                });
        route(
                "GET",
                "/v1/information_schema",
                api,
                r ->
                        Response.json(
                                200,
                                infoSchema.list(
                                        r.workspace,
                                        r.query("connection_id"),
                                        r.query("schema"),
                                        r.query("table"),
                                        "true".equalsIgnoreCase(r.query("include_columns")),
                                        r.query("limit"),
                                        r.query("cursor"))));
        // control
        route("POST", "/_local/faults", Route.Scope.CONTROL, this::addFault);
        route(
                "DELETE",
                "/_local/faults",
                Route.Scope.CONTROL,
                r -> {
                    faults.clear();
                    return Response.empty(204);
                });
        route("GET", "/_local/requests", Route.Scope.CONTROL, this::requests);
        route(
                "POST",
                "/_local/latency",
                Route.Scope.CONTROL,
                r -> {
                    settings.latency().apply(r.json());
                    return Response.json(200, settings.latency().toJson());
                });
        route(
                "GET",
                "/_local/latency",
                Route.Scope.CONTROL,
                r -> Response.json(200, settings.latency().toJson()));
        route(
                "DELETE",
                "/_local/latency",
                Route.Scope.CONTROL,
                r -> Response.json(200, settings.latency().reset().toJson()));
        route("POST", "/_local/readings", Route.Scope.CONTROL, this::setReadings);
        route("GET", "/_local/readings", Route.Scope.CONTROL, r -> readingsJson());
        route(
                "DELETE",
                "/_local/readings",
                Route.Scope.CONTROL,
                r -> {
                    readings.reset();
                    return readingsJson();
                });
    }

    private void route(String method, String template, Route.Scope scope, Route.Handler h) {
        routes.add(new Route(method, template, scope, h));
    }

    /**
     * The template that names {@code path}: of the templates matching it, the one with the most
     * literal segments ({@code /v1/databases/count} rather than {@code /v1/databases/{id}}). Null
     * when no route has the path.
     */
    private String templateFor(String path) {
        Route best = null;
        for (Route r : routes) {
            if ((best == null || r.literalSegments > best.literalSegments)
                    && r.pattern.matcher(path).matches()) {
                best = r;
            }
        }
        return best == null ? null : best.template;
    }

    private Route routeFor(String method, String template) {
        for (Route r : routes) {
            if (r.template.equals(template) && r.method.equals(method)) {
                return r;
            }
        }
        return null;
    }

    private String allowed(String template) {
        List<String> methods = new ArrayList<>();
        for (Route r : routes) {
            if (r.template.equals(template) && !methods.contains(r.method)) {
                methods.add(r.method);
            }
        }
        return String.join(", ", methods);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = ex.getRequestURI().getPath();
        String rawQuery = ex.getRequestURI().getRawQuery();
        // before any body byte is read: the Host header, authentication, the size limit
        long[] limit = new long[1];
        Response refused = admit(method, path, rawQuery, ex, limit);
        byte[] body = null;
        if (refused == null) {
            try {
                body = readBody(ex, limit[0]);
            } catch (BodyTooLarge e) {
                refused = tooLarge(path, limit[0]);
            }
        }
        if (refused != null) {
            // the unread rest of the body is not drained: the connection closes after the answer
            refused.header("Connection", "close");
            log.add(
                    new RequestLogEntry(
                            System.currentTimeMillis(),
                            method,
                            path,
                            rawQuery,
                            refused.status,
                            0,
                            false,
                            refused.errorCode,
                            false));
            send(ex, refused, false);
            return;
        }
        FaultInjector.Decision d =
                path.startsWith("/_local/")
                        ? new FaultInjector.Decision()
                        : faults.decide(method, path);
        Response resp;
        try {
            if (d.delayMillis > 0) {
                Thread.sleep(d.delayMillis);
            }
            // latency profile: before the work, on this request's thread, holding no lock
            settings.latency().pauseRequest(method, path, body.length);
            if (d.fail != null) {
                resp = injected(d.fail, path);
            } else {
                resp = dispatch(method, path, rawQuery, ex, body);
            }
        } catch (LoadService.SimulatedCrash crash) {
            ex.close(); // no answer: the client sees the connection end, as with a killed server
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resp = Response.error(503, "SERVICE_UNAVAILABLE", "server shutting down", null);
        }
        boolean dropped = d.drop;
        // logged before the answer leaves: a client that got its answer finds the request in
        // the log (with TCP_NODELAY the answer can arrive before a log entry made after it)
        log.add(
                new RequestLogEntry(
                        System.currentTimeMillis(),
                        method,
                        path,
                        rawQuery,
                        resp.status,
                        body.length,
                        dropped,
                        resp.errorCode,
                        resp.replayed));
        send(ex, resp, dropped);
    }

    private Response dispatch(
            String method, String path, String rawQuery, HttpExchange ex, byte[] body) {
        try {
            List<String> params = new ArrayList<>();
            String template = templateFor(path);
            boolean pathKnown = template != null;
            Route match = pathKnown ? routeFor(method, template) : null;
            if (match != null) {
                Matcher m = match.pattern.matcher(path);
                if (m.matches()) {
                    for (int i = 1; i <= m.groupCount(); i++) {
                        params.add(m.group(i));
                    }
                }
            }
            Route.Scope scope =
                    match != null
                            ? match.scope
                            : path.startsWith("/_storage/") ? Route.Scope.STORAGE : Route.Scope.API;
            Request req = new Request(method, path, rawQuery, ex.getRequestHeaders(), body, params);
            if (scope == Route.Scope.STORAGE) {
                if (req.header("Authorization") != null || req.header("X-Workspace-Id") != null) {
                    throw new StorageError(
                            403,
                            "SignatureDoesNotMatch",
                            "Presigned URLs must not carry Authorization or X-Workspace-Id headers");
                }
            } else {
                authenticate(req, scope);
            }
            if (match == null) {
                // no such route: the real server's router answers these itself, with an empty
                // body (axum's default 404 / 405 in runtimedb's app_server; no error envelope),
                // unlike "no such resource" on a route that exists (404 + {"error": ...})
                if (pathKnown) {
                    return Response.empty(405).header("Allow", allowed(template));
                }
                return Response.empty(404);
            }
            return match.handler.handle(req);
        } catch (ApiException e) {
            return Response.error(e.status(), e.code(), e.getMessage(), e.retryAfterSeconds());
        } catch (StorageError e) {
            return Response.xml(e.status(), e.code(), e.xml());
        } catch (Exception e) {
            LOG.warn("{} {} failed", method, path, e);
            return Response.error(
                    500, "INTERNAL_SERVER_ERROR", String.valueOf(e.getMessage()), null);
        }
    }

    /**
     * The checks made on the request line and headers alone, before the body is read: the {@code
     * Host} header names this server (403 {@code HOST_NOT_ALLOWED} otherwise, a DNS-rebinding
     * defence), the request is authenticated (bearer key, or a presigned URL's signature), and a
     * declared {@code Content-Length} is within the limit (413). Null when admitted; {@code
     * limit[0]} is then the largest body to read.
     */
    private Response admit(
            String method, String path, String rawQuery, HttpExchange ex, long[] limit) {
        try {
            if (!settings.hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
                return Response.error(
                        403,
                        "HOST_NOT_ALLOWED",
                        "the Host header does not name this server (hotdata-local answers only "
                                + settings.endpoint()
                                + " and its loopback names)",
                        null);
            }
            Route.Scope scope = Route.Scope.API;
            String template = templateFor(path);
            Route route = template == null ? null : routeFor(method, template);
            if (route != null) {
                scope = route.scope;
            }
            if (path.startsWith("/_storage/")) {
                scope = Route.Scope.STORAGE;
            }
            Request req =
                    new Request(
                            method, path, rawQuery, ex.getRequestHeaders(), new byte[0], List.of());
            if (scope == Route.Scope.STORAGE) {
                limit[0] = storageLimit(req);
            } else {
                authenticate(req, scope);
                limit[0] = settings.maxApiBodyBytes();
            }
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (length != null) {
                try {
                    if (Long.parseLong(length.trim()) > limit[0]) {
                        return tooLarge(path, limit[0]);
                    }
                } catch (NumberFormatException e) {
                    return Response.error(
                            400, "BAD_REQUEST", "malformed Content-Length header", null);
                }
            }
            return null;
        } catch (ApiException e) {
            return Response.error(e.status(), e.code(), e.getMessage(), e.retryAfterSeconds());
        } catch (StorageError e) {
            return Response.xml(e.status(), e.code(), e.xml());
        }
    }

    /** A presigned PUT: no auth headers, a valid signature; its limit is the upload's. */
    private long storageLimit(Request req) {
        if (req.header("Authorization") != null || req.header("X-Workspace-Id") != null) {
            throw new StorageError(
                    403,
                    "SignatureDoesNotMatch",
                    "Presigned URLs must not carry Authorization or X-Workspace-Id headers");
        }
        Matcher m = STORAGE_PATH.matcher(req.path);
        if (!req.method.equals("PUT") || !m.matches()) {
            return 0; // answered by dispatch (404 / 405) without a body
        }
        int part;
        long expires;
        try {
            part = Integer.parseInt(m.group(2));
            expires = Long.parseLong(req.query.getOrDefault("expires", "0"));
        } catch (NumberFormatException e) {
            throw new StorageError(403, "SignatureDoesNotMatch", "malformed presigned URL");
        }
        uploads.verify(m.group(1), part, expires, req.query("sig"));
        return uploads.maxPutBytes(m.group(1));
    }

    private static Response tooLarge(String path, long limit) {
        if (path.startsWith("/_storage/")) {
            return Response.xml(
                    413,
                    "EntityTooLarge",
                    new StorageError(
                                    413,
                                    "EntityTooLarge",
                                    "Your proposed upload exceeds the maximum allowed size of "
                                            + limit
                                            + " bytes")
                            .xml());
        }
        return Response.error(
                413,
                "PAYLOAD_TOO_LARGE",
                "the request body exceeds the maximum of " + limit + " bytes",
                null);
    }

    /** A body longer than the limit (chunked, or longer than its Content-Length said). */
    private static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("request body too large");
        }
    }

    private void authenticate(Request req, Route.Scope scope) {
        String auth = req.header("Authorization");
        String token = null;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = auth.substring(7).trim();
        }
        if (!settings.keyMatches(token)) {
            throw new ApiException(401, "UNAUTHORIZED", "missing or invalid bearer token");
        }
        if (scope == Route.Scope.CONTROL) {
            return;
        }
        String ws = req.header("X-Workspace-Id");
        if (ws == null) {
            throw ApiException.notFound(
                    "WORKSPACE_NOT_FOUND", "the X-Workspace-Id header is required");
        }
        if (!settings.workspaces().contains(ws)) {
            throw ApiException.notFound("WORKSPACE_NOT_FOUND", "workspace '" + ws + "' not found");
        }
        req.workspace = ws;
    }

    private static Response injected(FaultRule rule, String path) {
        String code = rule.errorCode() != null ? rule.errorCode() : defaultCode(rule.status());
        if (path.startsWith("/_storage/")) {
            Response r =
                    Response.xml(
                            rule.status(),
                            code,
                            new StorageError(rule.status(), code, "injected fault").xml());
            if (rule.retryAfterSeconds() != null) {
                r.header("Retry-After", Integer.toString(rule.retryAfterSeconds()));
            }
            return r;
        }
        return Response.error(
                rule.status(), code, "injected fault (hotdata-local)", rule.retryAfterSeconds());
    }

    private static String defaultCode(int status) {
        switch (status) {
            case 400:
                return "BAD_REQUEST";
            case 401:
                return "UNAUTHORIZED";
            case 403:
                return "ACCESS_DENIED";
            case 404:
                return "NOT_FOUND";
            case 409:
                return "CONFLICT";
            case 429:
                return "OVERLOADED";
            case 502:
                return "BAD_GATEWAY";
            case 503:
                return "SERVICE_UNAVAILABLE";
            case 504:
                return "GATEWAY_TIMEOUT";
            default:
                return status >= 500 ? "INTERNAL_SERVER_ERROR" : "ERROR";
        }
    }

    /**
     * Sends the response. For a dropped response the headers promise a body that never comes: the
     * exchange is closed after the headers, so the client sees the connection end mid-response.
     */
    /**
     * The request body. With a Content-Length it is read into one array of that size: an upload
     * part is megabytes, and reading it in growing chunks copied it twice more.
     */
    private static byte[] readBody(HttpExchange ex, long limit) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                long n = Long.parseLong(length.trim());
                if (n > limit) {
                    throw new BodyTooLarge();
                }
                if (n >= 0 && n < Integer.MAX_VALUE - 16) {
                    byte[] body = ex.getRequestBody().readNBytes((int) n);
                    if (body.length == n) {
                        return body;
                    }
                    throw new IOException(
                            "request body ended after " + body.length + " of " + n + " bytes");
                }
            } catch (NumberFormatException e) {
                // malformed header: read what comes
            }
        }
        // no length (chunked): read at most limit + 1 bytes
        byte[] body =
                ex.getRequestBody().readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 16));
        if (body.length > limit) {
            throw new BodyTooLarge();
        }
        return body;
    }

    private static void send(HttpExchange ex, Response resp, boolean drop) throws IOException {
        CanonicalHeaders.apply(ex.getResponseHeaders());
        if (resp.contentType != null) {
            ex.getResponseHeaders().set("Content-Type", resp.contentType);
        }
        for (Map.Entry<String, String> h : resp.headers.entrySet()) {
            ex.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        if (drop) {
            int status = resp.body.length == 0 ? 200 : resp.status;
            long promised = Math.max(resp.body.length, 1) + 1024;
            ex.sendResponseHeaders(status, promised);
            try {
                ex.getResponseBody().flush();
            } catch (IOException ignored) {
                // connection already gone
            }
            ex.close();
            return;
        }
        if (resp.status == 204 || resp.body.length == 0) {
            ex.sendResponseHeaders(resp.status, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(resp.status, resp.body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(resp.body);
        }
    }

    private static Response storagePut(UploadService uploads, Request r) {
        int part;
        long expires;
        try {
            part = Integer.parseInt(r.param(1));
            expires = Long.parseLong(r.query.getOrDefault("expires", "0"));
        } catch (NumberFormatException e) {
            throw new StorageError(403, "SignatureDoesNotMatch", "malformed presigned URL");
        }
        String etag = uploads.put(r.param(0), part, expires, r.query("sig"), r.body);
        return Response.empty(200).header("ETag", etag);
    }

    /** {@code POST /_local/faults}: the JSON form of {@link FaultInjector}. */
    private Response addFault(Request r) {
        JsonNode b = r.json();
        String kind = Json.optString(b, "kind");
        String method = Json.optString(b, "method");
        String pathRegex = Json.optString(b, "path");
        Long times = Json.optLong(b, "times");
        int n =
                times == null
                        ? 1
                        : (times <= 0
                                ? FaultInjector.ALWAYS
                                : (int) Math.min(times, Integer.MAX_VALUE));
        if (kind == null) {
            throw ApiException.badRequest(
                    "BAD_REQUEST",
                    "'kind' is required: fail, delay, drop, lock, presign_ttl, result_delay,"
                            + " age_uploads, reapply_consumed, fail_after_claim,"
                            + " delay_after_claim");
        }
        switch (kind) {
            case "fail":
                Long status = Json.optLong(b, "status");
                Long retry = Json.optLong(b, "retry_after_seconds");
                faults.failNext(
                        n,
                        method,
                        require(pathRegex),
                        status == null ? 503 : status.intValue(),
                        retry == null ? null : retry.intValue(),
                        Json.optString(b, "code"));
                break;
            case "delay":
                Long ms = Json.optLong(b, "delay_ms");
                faults.delayNext(
                        n, method, require(pathRegex), Duration.ofMillis(ms == null ? 1000 : ms));
                break;
            case "drop":
                faults.dropAfterApply(n, method, require(pathRegex));
                break;
            case "lock":
                String db = Json.optString(b, "database_id");
                Long dur = Json.optLong(b, "duration_ms");
                if (db == null || dur == null) {
                    throw ApiException.badRequest(
                            "BAD_REQUEST", "lock needs database_id and duration_ms");
                }
                String lockTable = Json.optString(b, "table");
                if (lockTable == null) {
                    faults.holdLock(db, Duration.ofMillis(dur));
                } else {
                    String lockSchema = Json.optString(b, "schema");
                    faults.holdTableLock(
                            db,
                            lockSchema == null ? "public" : lockSchema,
                            lockTable,
                            Duration.ofMillis(dur));
                }
                break;
            case "presign_ttl":
                faults.presignTtl(Duration.ofMillis(Json.optLong(b, "ttl_ms")));
                break;
            case "result_delay":
                faults.resultDelay(Duration.ofMillis(Json.optLong(b, "delay_ms")));
                break;
            case "age_uploads":
                Long by = Json.optLong(b, "by_ms");
                if (by == null || by < 0) {
                    throw ApiException.badRequest(
                            "BAD_REQUEST", "age_uploads needs by_ms (milliseconds, >= 0)");
                }
                faults.ageUploads(Duration.ofMillis(by));
                break;
            case "delay_after_claim":
                Long hold = Json.optLong(b, "delay_ms");
                faults.delayAfterClaim(n, Duration.ofMillis(hold == null ? 1000 : hold));
                break;
            case "reapply_consumed":
                faults.reapplyConsumedUploads(n);
                break;
            case "fail_after_claim":
                Long st = Json.optLong(b, "status");
                String code = Json.optString(b, "code");
                faults.failAfterClaim(
                        n, st == null ? 500 : st.intValue(), code == null ? "INTERNAL" : code);
                break;
            default:
                throw ApiException.badRequest("BAD_REQUEST", "unknown fault kind '" + kind + "'");
        }
        return Response.empty(204);
    }

    /**
     * {@code POST /_local/readings}: {@code {"upload_reuse":"replay"|"conflict",
     * "failed_load_consumes_upload":true|false, "database_name_lookup":true|false,
     * "listing_has_key":true|false, "lock_scope":"database"|"table"}}, each optional; answers the
     * readings now in force.
     */
    private Response setReadings(Request r) {
        JsonNode b = r.json();
        JsonNode reuse = b.get("upload_reuse");
        JsonNode consumes = b.get("failed_load_consumes_upload");
        JsonNode nameLookup = b.get("database_name_lookup");
        if (nameLookup != null && !nameLookup.isNull() && !nameLookup.isBoolean()) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "database_name_lookup must be true or false");
        }
        JsonNode hasKey = b.get("listing_has_key");
        JsonNode scope = b.get("lock_scope");
        LockScope newScope = null;
        if (scope != null && !scope.isNull()) {
            newScope = scope.isTextual() ? LockScope.ofWireName(scope.asText()) : null;
            if (newScope == null) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "lock_scope must be 'database' or 'table'");
            }
        }
        UploadReuse newReuse = null;
        if (reuse != null && !reuse.isNull()) {
            String v = reuse.asText("").toLowerCase(Locale.ROOT);
            if (v.equals("replay")) {
                newReuse = UploadReuse.REPLAY;
            } else if (v.equals("conflict")) {
                newReuse = UploadReuse.CONFLICT;
            } else {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "upload_reuse must be 'replay' or 'conflict'");
            }
        }
        if (consumes != null && !consumes.isNull() && !consumes.isBoolean()) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "failed_load_consumes_upload must be true or false");
        }
        if (hasKey != null && !hasKey.isNull() && !hasKey.isBoolean()) {
            throw ApiException.badRequest("BAD_REQUEST", "listing_has_key must be true or false");
        }
        if (newReuse != null) {
            readings.uploadReuse(newReuse);
        }
        if (consumes != null && consumes.isBoolean()) {
            readings.failedLoadConsumesUpload(consumes.booleanValue());
        }
        if (nameLookup != null && nameLookup.isBoolean()) {
            readings.databaseNameLookup(nameLookup.booleanValue());
        }
        if (hasKey != null && hasKey.isBoolean()) {
            readings.listingHasKey(hasKey.booleanValue());
        }
        if (newScope != null) {
            readings.lockScope(newScope);
        }
        return readingsJson();
    }

    private Response readingsJson() {
        ObjectNode out = Json.obj();
        out.put("upload_reuse", readings.uploadReuse().name().toLowerCase(Locale.ROOT));
        out.put("failed_load_consumes_upload", readings.failedLoadConsumesUpload());
        out.put("database_name_lookup", readings.databaseNameLookup());
        out.put("listing_has_key", readings.listingHasKey());
        out.put("lock_scope", readings.lockScope().wireName());
        return Response.json(200, out);
    }

    private static String require(String pathRegex) {
        if (pathRegex == null) {
            throw ApiException.badRequest("BAD_REQUEST", "'path' (a regex) is required");
        }
        return pathRegex;
    }

    private Response requests(Request r) {
        ObjectNode out = Json.obj();
        ArrayNode arr = out.putArray("requests");
        for (RequestLogEntry e : log.entries()) {
            ObjectNode o = arr.addObject();
            o.put("method", e.method());
            o.put("path", e.path());
            o.put("status", e.status());
            o.put("request_bytes", e.requestBytes());
            o.put("dropped", e.dropped());
            o.put("error_code", e.errorCode());
            o.put("replayed", e.replayed());
        }
        return Response.json(200, out);
    }

    private static Integer intParam(Request r, String name) {
        String v = r.query(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("BAD_REQUEST", "'" + name + "' must be an integer");
        }
    }
}
