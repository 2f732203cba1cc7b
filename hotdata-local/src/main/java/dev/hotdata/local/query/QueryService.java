package dev.hotdata.local.query;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Identifiers;
import dev.hotdata.local.api.Ids;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.api.ServerSettings;
import dev.hotdata.local.catalog.Catalog;
import dev.hotdata.local.engine.Engine;
import dev.hotdata.local.store.ColumnRecord;
import dev.hotdata.local.store.DataLayout;
import dev.hotdata.local.store.DatabaseRecord;
import dev.hotdata.local.store.FileRecord;
import dev.hotdata.local.store.QueryRunRecord;
import dev.hotdata.local.store.ResultRecord;
import dev.hotdata.local.store.SchemaRecord;
import dev.hotdata.local.store.StateStore;
import dev.hotdata.local.store.TableRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/query}, query runs and persisted results. Each query runs in a fresh DuckDB
 * instance holding one view per table over the generation current when the query started.
 */
public final class QueryService {
    /** Rows inlined in a query response; more → {@code truncated: true}. */
    public static final int PREVIEW_ROWS = 10_000;

    private static final Set<String> DIALECTS =
            new HashSet<>(Arrays.asList("hotsql", "duckdb", "postgres", "snowflake"));

    /** The error code of a query refused by the sandbox (files, network, SQL text). */
    public static final String SANDBOX_CODE = "SQL_NOT_ALLOWED";

    /** Table / scalar functions refused up front: file, directory, network and SQL-text access. */
    private static final Set<String> FORBIDDEN_FUNCTIONS =
            new HashSet<>(
                    Arrays.asList(
                            "glob",
                            "query",
                            "query_table",
                            "csv_scan",
                            "json_scan",
                            "getenv",
                            "load_aws_credentials",
                            "duckdb_secrets",
                            "which_secret"));

    private static final List<String> FORBIDDEN_PREFIXES =
            Arrays.asList(
                    "read_",
                    "parquet_",
                    "sniff_",
                    "sqlite_",
                    "postgres_",
                    "mysql_",
                    "iceberg_",
                    "delta_",
                    "httpfs",
                    "s3_");

    private static final Pattern TABLE_MISSING =
            Pattern.compile("Table with name (\\S+?) does not exist");

    private final StateStore store;
    private final Engine engine;
    private final DataLayout layout;
    private final ServerSettings settings;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;

    public QueryService(
            StateStore store,
            Engine engine,
            ServerSettings settings,
            ExecutorService executor,
            ScheduledExecutorService scheduler) {
        this.store = store;
        this.engine = engine;
        this.layout = engine.layout();
        this.settings = settings;
        this.executor = executor;
        this.scheduler = scheduler;
        // results cut by a restart: finish them if their file exists, else fail them
        store.write(
                st -> {
                    for (ResultRecord r : st.results.values()) {
                        if (r.status.equals("processing")) {
                            boolean exists = Files.exists(layout.resolve(r.path));
                            r.status = exists ? "ready" : "failed";
                            r.errorMessage = exists ? null : "hotdata-local restarted";
                        }
                    }
                    for (QueryRunRecord q : st.queryRuns.values()) {
                        if (q.status.equals("running")) {
                            q.status = "failed";
                            q.errorMessage = "hotdata-local restarted while the query ran";
                        }
                    }
                    return null;
                });
    }

    /** 200 with a {@code QueryResponse} or 202 with an {@code AsyncQueryResponse}. */
    public static final class Outcome {
        public final int status;
        public final ObjectNode body;

        Outcome(int status, ObjectNode body) {
            this.status = status;
            this.body = body;
        }
    }

    /** What a query sees: the database and the table generations at query start. */
    private static final class Snapshot {
        String databaseId;
        String catalog;
        String defaultSchema;
        List<String> schemas = new ArrayList<>();
        List<String[]> tables = new ArrayList<>();
        List<List<ColumnRecord>> columns = new ArrayList<>();
        List<List<FileRecord>> files = new ArrayList<>();
    }

    /** {@code POST /v1/query}. */
    public Outcome query(String ws, String headerDbId, JsonNode body) {
        String sql = Json.optString(body, "sql");
        String bodyDb = Json.optString(body, "database_id");
        if (headerDbId != null && bodyDb != null && !headerDbId.equals(bodyDb)) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "X-Database-Id and database_id name different databases");
        }
        String dbId = headerDbId != null ? headerDbId : bodyDb;
        if (dbId == null || dbId.isEmpty()) {
            throw ApiException.badRequest("BAD_REQUEST", "a database is required");
        }
        if (sql == null || sql.trim().isEmpty()) {
            throw ApiException.badRequest("BAD_REQUEST", "'sql' must not be empty");
        }
        String dialect = Json.optString(body, "dialect");
        if (dialect != null && !DIALECTS.contains(dialect.toLowerCase(Locale.ROOT))) {
            throw ApiException.badRequest("BAD_REQUEST", "unknown dialect '" + dialect + "'");
        }
        boolean async = Json.optBool(body, "async");
        Long asyncAfter = Json.optLong(body, "async_after_ms");
        if (asyncAfter != null && (!async || asyncAfter < 1000 || asyncAfter > 60000)) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "'async_after_ms' requires async: true and 1000..60000");
        }
        String reqCatalog = Json.optString(body, "default_catalog");
        String reqSchema = Json.optString(body, "default_schema");
        String cleanSql = stripTrailingSemicolons(sql);
        String catalogName = store.read(st -> Catalog.database(st, ws, dbId).defaultCatalog);
        cleanSql = quoteCatalogPrefix(cleanSql, catalogName);
        Snapshot snap = snapshot(ws, dbId, reqCatalog, reqSchema, cleanSql);
        checkReadOnly(cleanSql);
        final String finalSql = cleanSql;

        QueryRunRecord run = new QueryRunRecord();
        run.id = Ids.newId("qrun");
        run.workspaceId = ws;
        run.databaseId = snap.databaseId;
        run.status = "running";
        run.sqlText = sql;
        run.sqlHash = sha256(sql);
        run.createdAt = Ids.now();
        store.write(st -> st.queryRuns.put(run.id, run));

        if (!async) {
            return new Outcome(200, execute(ws, run, snap, finalSql));
        }
        CompletableFuture<ObjectNode> f = new CompletableFuture<>();
        executor.execute(
                () -> {
                    try {
                        f.complete(execute(ws, run, snap, finalSql));
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
        if (asyncAfter != null) {
            try {
                return new Outcome(200, f.get(asyncAfter, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                // fall through to 202
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException) {
                    throw (RuntimeException) e.getCause();
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ObjectNode out = Json.obj();
        out.put("query_run_id", run.id);
        out.put("status", "running");
        out.put("status_url", "/v1/query-runs/" + run.id);
        return new Outcome(202, out);
    }

    private ObjectNode execute(String ws, QueryRunRecord run, Snapshot snap, String sql) {
        long start = System.nanoTime();
        String resultId = Ids.newId("rslt");
        // the query's own scratch directory: its spill files and its result, nothing else
        Path scratch = layout.tmpDir().resolve("q-" + resultId);
        Path tmp = scratch.resolve(resultId + ".parquet");
        try {
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection c = engine.openIsolated(scratch)) {
            setUpCatalog(c, snap);
            List<String> readable = new ArrayList<>();
            for (List<FileRecord> f : snap.files) {
                readable.addAll(engine.filePaths(f));
            }
            Engine.sandbox(c, readable, scratch);
            try {
                Engine.exec(
                        c,
                        "COPY ("
                                + narrowHugeints(c, sql)
                                + ") TO "
                                + Identifiers.literal(tmp.toAbsolutePath().toString())
                                + " (FORMAT parquet)");
            } catch (SQLException e) {
                throw sqlError(e, snap, sql);
            }
            String rel =
                    "SELECT * FROM read_parquet("
                            + Identifiers.literal(tmp.toAbsolutePath().toString())
                            + ")";
            List<ColumnRecord> cols = Engine.describe(c, rel);
            long total = Engine.scalarLong(c, "SELECT count(*) FROM (" + rel + ")");
            ArrayNode rows = Engine.jsonRows(c, rel, cols, 0, (long) PREVIEW_ROWS);
            long elapsed = (System.nanoTime() - start) / 1_000_000;

            ResultRecord r = new ResultRecord();
            r.id = resultId;
            r.workspaceId = ws;
            r.databaseId = snap.databaseId;
            r.status = "processing";
            r.createdAt = Ids.now();
            r.rowCount = total;
            r.columns = cols;
            r.path = layout.relative(layout.resultFile(resultId));
            store.write(
                    st -> {
                        st.results.put(r.id, r);
                        run.status = "succeeded";
                        run.completedAt = Ids.now();
                        run.executionTimeMs = elapsed;
                        run.resultId = r.id;
                        run.rowCount = total;
                        return null;
                    });
            persistResult(r, tmp);

            ObjectNode out = Json.obj();
            out.put("query_run_id", run.id);
            out.put("result_id", r.id);
            ArrayNode names = out.putArray("columns");
            ArrayNode nullable = out.putArray("nullable");
            for (ColumnRecord col : cols) {
                names.add(col.name);
                nullable.add(true);
            }
            out.set("rows", rows);
            out.put("preview_row_count", rows.size());
            out.put("row_count", rows.size());
            out.put("total_row_count", total);
            out.put("truncated", total > rows.size());
            out.put("execution_time_ms", elapsed);
            out.putNull("warning");
            return out;
        } catch (SQLException e) {
            fail(run, Engine.cleanMessage(e));
            throw ApiException.badRequest("QUERY_FAILED", Engine.cleanMessage(e));
        } catch (ApiException e) {
            fail(run, e.getMessage());
            throw e;
        } finally {
            DataLayout.deleteTree(scratch);
        }
    }

    /** Moves the result into place; with a configured delay the result stays processing. */
    private void persistResult(ResultRecord r, Path tmp) {
        Path target = layout.resultFile(r.id);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runnable ready =
                () ->
                        store.write(
                                st -> {
                                    r.status = "ready";
                                    return null;
                                });
        long delay = settings.resultDelay().toMillis();
        if (delay <= 0) {
            ready.run();
        } else {
            scheduler.schedule(ready, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void fail(QueryRunRecord run, String message) {
        store.write(
                st -> {
                    run.status = "failed";
                    run.completedAt = Ids.now();
                    run.errorMessage = message;
                    return null;
                });
    }

    // ---------------------------------------------------------------- results and runs

    /** {@code GET /v1/results/{id}}: JSON, CSV or Parquet. */
    public ResultResponse result(
            String ws,
            String headerDbId,
            String id,
            String format,
            String accept,
            String offsetRaw,
            String limitRaw) {
        DatabaseRecord db = requireDatabase(ws, headerDbId);
        ResultRecord r =
                store.read(
                        st -> {
                            ResultRecord x = st.results.get(id);
                            if (x == null || !x.databaseId.equals(db.id)) {
                                throw ApiException.notFound(
                                        "RESULT_NOT_FOUND", "result '" + id + "' not found");
                            }
                            ResultRecord copy = new ResultRecord();
                            copy.id = x.id;
                            copy.status = x.status;
                            copy.errorMessage = x.errorMessage;
                            copy.rowCount = x.rowCount;
                            copy.columns = new ArrayList<>(x.columns);
                            copy.path = x.path;
                            return copy;
                        });
        if (r.status.equals("failed")) {
            ObjectNode o = Json.obj();
            o.put("status", "failed");
            o.put("result_id", r.id);
            o.put("error_message", r.errorMessage);
            return ResultResponse.json(409, o);
        }
        if (!r.status.equals("ready")) {
            ObjectNode o = Json.obj();
            o.put("status", r.status);
            o.put("result_id", r.id);
            ResultResponse resp = ResultResponse.json(202, o);
            resp.headers.put("Retry-After", "1");
            return resp;
        }
        String fmt = resolveFormat(format, accept);
        long offset = parseNonNegative("offset", offsetRaw, 0L);
        Long limit = limitRaw == null ? null : parseNonNegative("limit", limitRaw, 0L);
        Path file = layout.resolve(r.path);
        try {
            if (fmt.equals("parquet")) {
                ResultResponse resp =
                        ResultResponse.bytes(
                                200, "application/vnd.apache.parquet", Files.readAllBytes(file));
                resp.headers.put("X-Total-Row-Count", Long.toString(r.rowCount));
                return resp;
            }
            String rel =
                    "SELECT * FROM read_parquet("
                            + Identifiers.literal(file.toAbsolutePath().toString())
                            + ")";
            ResultResponse resp;
            try (Connection c = engine.open()) {
                if (fmt.equals("csv")) {
                    Path csv = layout.tmpDir().resolve(Ids.random(12) + ".csv");
                    try {
                        String page =
                                rel
                                        + (limit != null ? " LIMIT " + limit : "")
                                        + " OFFSET "
                                        + offset;
                        Engine.exec(
                                c,
                                "COPY ("
                                        + page
                                        + ") TO "
                                        + Identifiers.literal(csv.toAbsolutePath().toString())
                                        + " (FORMAT csv, HEADER true)");
                        resp = ResultResponse.bytes(200, "text/csv", Files.readAllBytes(csv));
                    } finally {
                        DataLayout.deleteQuietly(csv);
                    }
                } else {
                    ArrayNode rows = Engine.jsonRows(c, rel, r.columns, offset, limit);
                    ObjectNode o = Json.obj();
                    o.put("result_id", r.id);
                    o.put("status", "ready");
                    ArrayNode names = o.putArray("columns");
                    ArrayNode nullable = o.putArray("nullable");
                    for (ColumnRecord col : r.columns) {
                        names.add(col.name);
                        nullable.add(true);
                    }
                    o.set("rows", rows);
                    o.put("row_count", rows.size());
                    o.putNull("error_message");
                    resp = ResultResponse.json(200, o);
                }
            }
            resp.headers.put("X-Total-Row-Count", Long.toString(r.rowCount));
            if (limit != null && offset + limit < r.rowCount) {
                resp.headers.put(
                        "Link",
                        "</v1/results/"
                                + r.id
                                + "?offset="
                                + (offset + limit)
                                + "&limit="
                                + limit
                                + (format != null ? "&format=" + format : "")
                                + ">; rel=\"next\"");
            }
            return resp;
        } catch (SQLException e) {
            throw new ApiException(500, "INTERNAL_SERVER_ERROR", Engine.cleanMessage(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /v1/query-runs/{id}}. */
    public ObjectNode queryRun(String ws, String headerDbId, String id) {
        DatabaseRecord db = requireDatabase(ws, headerDbId);
        return store.read(
                st -> {
                    QueryRunRecord q = st.queryRuns.get(id);
                    if (q == null || !q.databaseId.equals(db.id)) {
                        throw ApiException.notFound(
                                "QUERY_RUN_NOT_FOUND", "query run '" + id + "' not found");
                    }
                    ObjectNode o = Json.obj();
                    o.put("id", q.id);
                    o.put("status", q.status);
                    o.put("sql_text", q.sqlText);
                    o.put("sql_hash", q.sqlHash);
                    o.put("snapshot_id", "snap_local");
                    o.put("created_at", q.createdAt);
                    o.put("completed_at", q.completedAt);
                    if (q.executionTimeMs == null) {
                        o.putNull("execution_time_ms");
                    } else {
                        o.put("execution_time_ms", q.executionTimeMs);
                    }
                    o.put("result_id", q.resultId);
                    if (q.rowCount == null) {
                        o.putNull("row_count");
                    } else {
                        o.put("row_count", q.rowCount);
                    }
                    o.put("error_message", q.errorMessage);
                    return o;
                });
    }

    private DatabaseRecord requireDatabase(String ws, String headerDbId) {
        if (headerDbId == null || headerDbId.isEmpty()) {
            throw ApiException.badRequest("BAD_REQUEST", "the X-Database-Id header is required");
        }
        return store.read(st -> Catalog.database(st, ws, headerDbId));
    }

    // ---------------------------------------------------------------- helpers

    private Snapshot snapshot(
            String ws, String dbId, String reqCatalog, String reqSchema, String sql) {
        String lowerSql = sql.toLowerCase(Locale.ROOT);
        return store.read(
                st -> {
                    DatabaseRecord db = Catalog.database(st, ws, dbId);
                    Snapshot s = new Snapshot();
                    s.databaseId = db.id;
                    s.catalog = db.defaultCatalog;
                    if (reqCatalog != null && !reqCatalog.equals(db.defaultCatalog)) {
                        throw ApiException.badRequest(
                                "BAD_REQUEST", "catalog '" + reqCatalog + "' not found");
                    }
                    s.defaultSchema =
                            reqSchema == null
                                    ? db.defaultSchema
                                    : Identifiers.normalize("default_schema", reqSchema);
                    for (SchemaRecord sc : db.schemas.values()) {
                        s.schemas.add(sc.name);
                        for (TableRecord t : sc.tables.values()) {
                            // only tables the SQL can mention: each view costs a Parquet footer
                            // read
                            if (t.deleted || !t.synced || !lowerSql.contains(t.name)) {
                                continue;
                            }
                            s.tables.add(new String[] {sc.name, t.name});
                            s.columns.add(new ArrayList<>(t.columns));
                            s.files.add(new ArrayList<>(t.files));
                        }
                    }
                    if (!s.schemas.contains(s.defaultSchema)) {
                        s.schemas.add(s.defaultSchema);
                    }
                    return s;
                });
    }

    private void setUpCatalog(Connection c, Snapshot s) throws SQLException {
        String cat = Identifiers.quote(s.catalog);
        Engine.exec(c, "ATTACH ':memory:' AS " + cat);
        for (String schema : s.schemas) {
            Engine.exec(c, "CREATE SCHEMA IF NOT EXISTS " + cat + "." + Identifiers.quote(schema));
        }
        for (int i = 0; i < s.tables.size(); i++) {
            String[] t = s.tables.get(i);
            Engine.exec(
                    c,
                    "CREATE VIEW "
                            + cat
                            + "."
                            + Identifiers.quote(t[0])
                            + "."
                            + Identifiers.quote(t[1])
                            + " AS "
                            + engine.tableRelation(s.columns.get(i), s.files.get(i)));
        }
        Engine.exec(c, "USE " + cat + "." + Identifiers.quote(s.defaultSchema));
    }

    /** Only single read statements (SELECT / WITH / VALUES / FROM-first) pass. */
    private void checkReadOnly(String sql) {
        try (Connection c = engine.open();
                PreparedStatement ps =
                        c.prepareStatement("SELECT json_serialize_sql(CAST(? AS VARCHAR))")) {
            ps.setString(1, sql);
            String json;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                json = rs.getString(1);
            }
            JsonNode n = Json.parse(json);
            if (n.path("error").asBoolean(false)) {
                String type = n.path("error_type").asText("");
                if (type.equals("not implemented")) {
                    throw ApiException.badRequest(
                            "READ_ONLY",
                            "only read-only queries (SELECT, WITH, VALUES) are allowed; writes go"
                                    + " through loads");
                }
                throw ApiException.badRequest(
                        "SQL_PARSE_ERROR", "SQL error: " + n.path("error_message").asText());
            }
            if (n.path("statements").size() != 1) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "exactly one SQL statement is allowed");
            }
            checkSandboxed(n);
        } catch (SQLException e) {
            throw ApiException.badRequest("SQL_PARSE_ERROR", Engine.cleanMessage(e));
        }
    }

    /**
     * Refuses, before anything runs, what the sandbox would stop anyway, with a clear answer: table
     * functions that read files, list directories, reach the network or run SQL text ({@code
     * read_text}, {@code read_csv}, {@code glob}, {@code query}, …) and file names or URLs used as
     * tables ({@code FROM '/etc/passwd'}). The parse tree is walked whole: subqueries and CTEs too.
     */
    static void checkSandboxed(JsonNode tree) {
        List<JsonNode> stack = new ArrayList<>();
        stack.add(tree);
        while (!stack.isEmpty()) {
            JsonNode n = stack.remove(stack.size() - 1);
            if (n.isObject()) {
                String type = n.path("type").asText("");
                if (type.equals("FUNCTION") && n.has("function_name")) {
                    String fn = n.path("function_name").asText("").toLowerCase(Locale.ROOT);
                    if (forbiddenFunction(fn)) {
                        throw ApiException.badRequest(
                                SANDBOX_CODE,
                                "function '"
                                        + fn
                                        + "' is not allowed: hotdata-local queries read only the"
                                        + " database's tables (no files, network or SQL text)");
                    }
                }
                if (type.equals("BASE_TABLE")) {
                    String t = n.path("table_name").asText("");
                    if (t.indexOf('/') >= 0
                            || t.indexOf('\\') >= 0
                            || t.indexOf('.') >= 0
                            || t.indexOf(':') >= 0) {
                        throw ApiException.badRequest(
                                SANDBOX_CODE,
                                "'"
                                        + t
                                        + "' is not a table: hotdata-local queries read only the"
                                        + " database's tables, not files or URLs");
                    }
                }
            }
            if (n.isContainerNode()) {
                n.forEach(stack::add);
            }
        }
    }

    private static boolean forbiddenFunction(String fn) {
        if (FORBIDDEN_FUNCTIONS.contains(fn)) {
            return true;
        }
        for (String p : FORBIDDEN_PREFIXES) {
            if (fn.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** A SQL error the sandbox raised ({@code Permission Error}, a locked setting) → 400. */
    private static boolean sandboxError(String msg) {
        return msg.startsWith("Permission Error")
                || msg.contains("the configuration has been locked")
                || msg.contains("disabled by configuration")
                || msg.contains("disabled through configuration");
    }

    /** DuckDB's "Table with name x does not exist" → the service's {@code table '…' not found}. */
    private static ApiException sqlError(SQLException e, Snapshot s, String sql) {
        String msg = Engine.cleanMessage(e);
        if (sandboxError(msg)) {
            return ApiException.badRequest(
                    SANDBOX_CODE,
                    "refused by hotdata-local's query sandbox (queries read only the database's"
                            + " tables): "
                            + msg);
        }
        Matcher m = TABLE_MISSING.matcher(msg);
        if (m.find()) {
            String name = m.group(1);
            Matcher q =
                    Pattern.compile(
                                    "(?<![A-Za-z0-9_\"])((?:\"?[A-Za-z0-9_]+\"?\\s*\\.\\s*){0,2})\"?"
                                            + Pattern.quote(name)
                                            + "\"?(?![A-Za-z0-9_])",
                                    Pattern.CASE_INSENSITIVE)
                            .matcher(sql);
            List<String> parts = new ArrayList<>();
            if (q.find() && !q.group(1).isEmpty()) {
                for (String part : q.group(1).split("\\.")) {
                    String p = part.trim().replace("\"", "");
                    if (!p.isEmpty()) {
                        parts.add(p);
                    }
                }
            }
            parts.add(name);
            String full;
            if (parts.size() == 1) {
                full = s.catalog + "." + s.defaultSchema + "." + name;
            } else if (parts.size() == 2) {
                full = s.catalog + "." + parts.get(0) + "." + name;
            } else {
                full = String.join(".", parts);
            }
            return ApiException.badRequest("TABLE_NOT_FOUND", "table '" + full + "' not found");
        }
        return ApiException.badRequest("QUERY_FAILED", msg);
    }

    /**
     * DuckDB sums BIGINTs into HUGEINT, which Parquet stores as DOUBLE; DataFusion keeps Int64.
     * Cast 128-bit integer columns back to 64 bits, as the service would type them.
     */
    private static String narrowHugeints(Connection c, String sql) throws SQLException {
        List<ColumnRecord> cols = Engine.describe(c, sql);
        boolean any = false;
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < cols.size(); i++) {
            ColumnRecord col = cols.get(i);
            String q = Identifiers.quote(col.name);
            if (i > 0) {
                sb.append(", ");
            }
            if (col.type.equals("HUGEINT") || col.type.equals("UHUGEINT")) {
                any = true;
                sb.append("CAST(")
                        .append(q)
                        .append(col.type.equals("HUGEINT") ? " AS BIGINT) AS " : " AS UBIGINT) AS ")
                        .append(q);
            } else {
                sb.append(q);
            }
        }
        return any ? sb.append(" FROM (").append(sql).append(") AS __q").toString() : sql;
    }

    /**
     * Quotes an unquoted {@code <catalog>.} prefix ({@code default} is a keyword in DuckDB but a
     * valid catalog name in the service), skipping string literals and quoted identifiers.
     */
    static String quoteCatalogPrefix(String sql, String catalog) {
        StringBuilder out = new StringBuilder(sql.length() + 8);
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char ch = sql.charAt(i);
            if (ch == '\'' || ch == '"') {
                int end = i + 1;
                while (end < n) {
                    if (sql.charAt(end) == ch) {
                        if (end + 1 < n && sql.charAt(end + 1) == ch) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                out.append(sql, i, Math.min(n, end + 1));
                i = end + 1;
                continue;
            }
            boolean boundary =
                    i == 0
                            || !(Character.isLetterOrDigit(sql.charAt(i - 1))
                                    || sql.charAt(i - 1) == '_'
                                    || sql.charAt(i - 1) == '.');
            if (boundary && sql.regionMatches(true, i, catalog, 0, catalog.length())) {
                int j = i + catalog.length();
                int k = j;
                while (k < n && Character.isWhitespace(sql.charAt(k))) {
                    k++;
                }
                boolean wordEnd =
                        j >= n
                                || !(Character.isLetterOrDigit(sql.charAt(j))
                                        || sql.charAt(j) == '_');
                if (wordEnd && k < n && sql.charAt(k) == '.') {
                    out.append(Identifiers.quote(catalog));
                    i = j;
                    continue;
                }
            }
            out.append(ch);
            i++;
        }
        return out.toString();
    }

    private static String resolveFormat(String format, String accept) {
        String f = format;
        if (f == null && accept != null) {
            String a = accept.toLowerCase(Locale.ROOT);
            if (a.contains("arrow")) {
                f = "arrow";
            } else if (a.contains("text/csv")) {
                f = "csv";
            } else if (a.contains("parquet")) {
                f = "parquet";
            } else if (a.contains("markdown")) {
                f = "md";
            }
        }
        if (f == null || f.equals("json")) {
            return "json";
        }
        if (f.equals("csv") || f.equals("parquet")) {
            return f;
        }
        if (f.equals("arrow") || f.equals("md") || f.equals("markdown")) {
            throw ApiException.badRequest(
                    "UNSUPPORTED_FORMAT", "hotdata-local serves results as json, csv or parquet");
        }
        throw ApiException.badRequest("BAD_REQUEST", "unknown format '" + f + "'");
    }

    private static long parseNonNegative(String name, String raw, long dflt) {
        if (raw == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(raw);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "'" + name + "' must be a non-negative integer");
        }
    }

    private static String stripTrailingSemicolons(String sql) {
        String s = sql.trim();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s;
    }

    private static String sha256(String s) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
