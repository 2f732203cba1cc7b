package dev.hotdata.local.catalog;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Identifiers;
import dev.hotdata.local.api.Ids;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.store.DataLayout;
import dev.hotdata.local.store.DatabaseRecord;
import dev.hotdata.local.store.FileRecord;
import dev.hotdata.local.store.LocalState;
import dev.hotdata.local.store.SchemaRecord;
import dev.hotdata.local.store.StateStore;
import dev.hotdata.local.store.TableRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Databases, schemas and table declarations (metadata only; contents live in the engine). */
public final class Catalog {
    private static final Set<String> TRANSFORMS =
            new HashSet<>(Arrays.asList("identity", "year", "month", "day", "hour"));
    private static final Pattern CATALOG_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern RELATIVE_EXPIRY = Pattern.compile("(\\d+)([hmd])");

    private final StateStore store;
    private final DataLayout layout;
    private final ScheduledExecutorService scheduler;

    public Catalog(StateStore store, DataLayout layout, ScheduledExecutorService scheduler) {
        this.store = store;
        this.layout = layout;
        this.scheduler = scheduler;
    }

    // ---------------------------------------------------------------- databases

    /** {@code POST /v1/databases}. */
    public ObjectNode createDatabase(String ws, JsonNode body) {
        return createDatabase(ws, body, false).body;
    }

    /** The answer to a database create: 201 created, or 200 with the existing one. */
    public static final class Created {
        public final int status;
        public final ObjectNode body;

        Created(int status, ObjectNode body) {
            this.status = status;
            this.body = body;
        }
    }

    /**
     * {@code POST /v1/databases}. With {@code getOrCreate} (the request's {@code if_not_exists}, on
     * a server offering it) an existing database carrying the name is answered with 200 and {@code
     * created: false}, nothing created; several carrying it → 409 {@code CONFLICT}. The name check
     * and the creation are one state transaction, so racing creators make one database. {@code
     * created} is sent only when {@code reportCreated} (a server that predates the field does not
     * send it).
     */
    public Created createDatabase(String ws, JsonNode body, boolean getOrCreate) {
        return createDatabase(ws, body, getOrCreate, getOrCreate);
    }

    /**
     * As {@link #createDatabase(String, JsonNode, boolean)}, choosing whether to send {@code
     * created}.
     */
    public Created createDatabase(
            String ws, JsonNode body, boolean getOrCreate, boolean reportCreated) {
        String name = Json.optString(body, "name");
        if (name == null) {
            name = Json.optString(body, "description");
        }
        String catalog = Json.optString(body, "default_catalog");
        if (catalog == null || catalog.isEmpty()) {
            catalog = "default";
        }
        if (!CATALOG_NAME.matcher(catalog).matches()
                || catalog.length() > Identifiers.MAX_LENGTH
                || catalog.equals("hotdata")
                || catalog.equals("information_schema")) {
            throw ApiException.badRequest(
                    "INVALID_IDENTIFIER", "invalid default_catalog '" + catalog + "'");
        }
        String expiresAt = parseExpiry(Json.optString(body, "expires_at"));
        Map<String, SchemaRecord> schemas = new LinkedHashMap<>();
        JsonNode decls = body.get("schemas");
        if (decls != null && !decls.isNull()) {
            if (!decls.isArray()) {
                throw ApiException.badRequest("BAD_REQUEST", "'schemas' must be an array");
            }
            for (JsonNode d : decls) {
                SchemaRecord s = parseSchemaDecl(d);
                if (schemas.containsKey(s.name)) {
                    throw ApiException.badRequest(
                            "BAD_REQUEST", "schema '" + s.name + "' declared twice");
                }
                schemas.put(s.name, s);
            }
        }
        String defaultSchema = Json.optString(body, "default_schema");
        if (defaultSchema == null || defaultSchema.isEmpty()) {
            defaultSchema = schemas.size() == 1 ? schemas.keySet().iterator().next() : "main";
        } else {
            defaultSchema = Identifiers.normalize("default_schema", defaultSchema);
        }
        DatabaseRecord db = new DatabaseRecord();
        db.id = Ids.newId("dbid");
        db.workspaceId = ws;
        db.name = name;
        db.defaultCatalog = catalog;
        db.defaultSchema = defaultSchema;
        db.connectionId = Ids.newId("conn");
        db.createdAt = Ids.strictlyIncreasingNow();
        db.expiresAt = expiresAt;
        db.schemas = schemas;
        String wanted = name;
        return store.write(
                st -> {
                    if (getOrCreate && wanted != null) {
                        List<DatabaseRecord> same = named(st, ws, wanted);
                        if (same.size() > 1) {
                            throw new ApiException(
                                    409,
                                    "CONFLICT",
                                    same.size()
                                            + " databases carry the name '"
                                            + wanted
                                            + "'; address one by id");
                        }
                        if (same.size() == 1) {
                            ObjectNode out = createResponse(same.get(0));
                            out.put("created", false);
                            return new Created(200, out);
                        }
                    }
                    db.seq = ++st.seq;
                    st.databases.put(db.id, db);
                    ObjectNode out = createResponse(db);
                    if (reportCreated) {
                        out.put("created", true);
                    }
                    return new Created(201, out);
                });
    }

    private static ObjectNode createResponse(DatabaseRecord db) {
        ObjectNode out = Json.obj();
        out.put("id", db.id);
        out.put("name", db.name);
        out.put("default_catalog", db.defaultCatalog);
        out.put("default_connection_id", db.connectionId);
        out.put("default_schema", db.defaultSchema);
        out.put("expires_at", db.expiresAt);
        return out;
    }

    /**
     * The databases of {@code ws} whose name is {@code name}, ignoring the case of unaccented Latin
     * letters only (sdk-python {@code lookup_database_by_name}: "Matching ignores case for
     * unaccented Latin letters and digits, and only for those"), oldest first.
     */
    private static List<DatabaseRecord> named(LocalState st, String ws, String name) {
        String want = asciiLower(name);
        List<DatabaseRecord> out = new ArrayList<>();
        for (DatabaseRecord db : st.databases.values()) {
            if (db.workspaceId.equals(ws) && db.name != null && asciiLower(db.name).equals(want)) {
                out.add(db);
            }
        }
        out.sort((a, b) -> Long.compare(a.seq, b.seq));
        return out;
    }

    private static String asciiLower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'A' && c[i] <= 'Z') {
                c[i] = (char) (c[i] + ('a' - 'A'));
            }
        }
        return new String(c);
    }

    /**
     * {@code GET /v1/databases/by-name?name=}: the one database carrying the name (the detail shape
     * of {@code GET /v1/databases/{id}}); 400 for an empty or over-long name, 404 when none has it,
     * 409 {@code CONFLICT} when several do.
     */
    public ObjectNode lookupDatabaseByName(String ws, String name) {
        if (name == null || name.isEmpty() || name.length() > 1024) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "the 'name' parameter must be 1 to 1024 characters");
        }
        return store.read(
                st -> {
                    List<DatabaseRecord> same = named(st, ws, name);
                    if (same.isEmpty()) {
                        throw ApiException.notFound(
                                "NOT_FOUND", "no database has the name '" + name + "'");
                    }
                    if (same.size() > 1) {
                        throw new ApiException(
                                409,
                                "CONFLICT",
                                same.size()
                                        + " databases carry the name '"
                                        + name
                                        + "'; address one by id");
                    }
                    return detail(same.get(0));
                });
    }

    /** {@code GET /v1/databases/count?search}: {@code {"total": n}}. */
    public ObjectNode countDatabases(String ws, String search) {
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        return store.read(
                st -> {
                    long n = 0;
                    for (DatabaseRecord db : st.databases.values()) {
                        if (db.workspaceId.equals(ws)
                                && (needle == null
                                        || (db.name != null
                                                && db.name
                                                        .toLowerCase(Locale.ROOT)
                                                        .contains(needle)))) {
                            n++;
                        }
                    }
                    ObjectNode out = Json.obj();
                    out.put("total", n);
                    return out;
                });
    }

    private static ObjectNode detail(DatabaseRecord db) {
        ObjectNode out = summary(db);
        out.put("default_connection_id", db.connectionId);
        out.set("attachments", Json.arr());
        return out;
    }

    /** {@code GET /v1/databases/{id}}. */
    public ObjectNode getDatabase(String ws, String id) {
        return store.read(
                st -> {
                    return detail(database(st, ws, id));
                });
    }

    /** {@code GET /v1/databases}: newest first, keyset cursor on the creation sequence. */
    public ObjectNode listDatabases(String ws, String search, Integer limit, String cursor) {
        int lim = limit == null ? 100 : Math.max(1, Math.min(100, limit));
        long before = Long.MAX_VALUE;
        if (cursor != null && !cursor.isEmpty()) {
            before = decodeCursor(cursor);
        }
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        final long beforeSeq = before;
        return store.read(
                st -> {
                    List<DatabaseRecord> all = new ArrayList<>();
                    for (DatabaseRecord db : st.databases.values()) {
                        if (!db.workspaceId.equals(ws) || db.seq >= beforeSeq) {
                            continue;
                        }
                        if (needle != null
                                && (db.name == null
                                        || !db.name.toLowerCase(Locale.ROOT).contains(needle))) {
                            continue;
                        }
                        all.add(db);
                    }
                    all.sort((a, b) -> Long.compare(b.seq, a.seq));
                    ArrayNode arr = Json.arr();
                    int n = Math.min(lim, all.size());
                    for (int i = 0; i < n; i++) {
                        arr.add(summary(all.get(i)));
                    }
                    ObjectNode out = Json.obj();
                    out.set("databases", arr);
                    out.put("count", n);
                    out.put("limit", lim);
                    boolean more = all.size() > n;
                    out.put("has_more", more);
                    if (more) {
                        out.put("next_cursor", encodeCursor(all.get(n - 1).seq));
                    } else {
                        out.putNull("next_cursor");
                    }
                    return out;
                });
    }

    /** {@code DELETE /v1/databases/{id}}: drops metadata now and the files shortly after. */
    public void deleteDatabase(String ws, String id) {
        List<Path> garbage = new ArrayList<>();
        store.write(
                st -> {
                    DatabaseRecord db = database(st, ws, id);
                    for (SchemaRecord s : db.schemas.values()) {
                        for (TableRecord t : s.tables.values()) {
                            for (FileRecord f : t.files) {
                                garbage.add(layout.resolve(f.path));
                            }
                        }
                    }
                    st.databases.remove(db.id);
                    return null;
                });
        layout.deleteLater(scheduler, garbage);
    }

    // ---------------------------------------------------------------- schemas and tables

    /** {@code POST .../schemas}. */
    public ObjectNode addSchema(String ws, String dbId, boolean byConnection, JsonNode body) {
        SchemaRecord s = parseSchemaDecl(body);
        return store.write(
                st -> {
                    DatabaseRecord db = resolve(st, ws, dbId, byConnection);
                    if (db.schemas.containsKey(s.name)) {
                        throw ApiException.conflict(
                                "SCHEMA_EXISTS", "schema '" + s.name + "' already exists");
                    }
                    db.schemas.put(s.name, s);
                    ObjectNode out = Json.obj();
                    out.put("connection_id", db.connectionId);
                    out.put("schema", s.name);
                    ArrayNode tables = out.putArray("tables");
                    s.tables.keySet().forEach(tables::add);
                    return out;
                });
    }

    /** {@code POST .../schemas/{schema}/tables}. */
    public ObjectNode addTable(
            String ws, String dbId, boolean byConnection, String rawSchema, JsonNode body) {
        String schema = Identifiers.normalize("schema", rawSchema);
        TableRecord t = parseTableDecl(body);
        return store.write(
                st -> {
                    DatabaseRecord db = resolve(st, ws, dbId, byConnection);
                    SchemaRecord s = db.schemas.get(schema);
                    if (s == null) {
                        throw ApiException.notFound(
                                "SCHEMA_NOT_FOUND", "schema '" + schema + "' not found");
                    }
                    TableRecord existing = s.tables.get(t.name);
                    if (existing != null && existing.deleted) {
                        throw ApiException.conflict(
                                "TABLE_DELETED",
                                "table '" + schema + "." + t.name + "' was deleted");
                    }
                    if (existing != null) {
                        throw ApiException.conflict(
                                "TABLE_EXISTS",
                                "table '" + schema + "." + t.name + "' already exists");
                    }
                    s.tables.put(t.name, t);
                    ObjectNode out = Json.obj();
                    out.put("connection_id", db.connectionId);
                    out.put("schema", schema);
                    out.put("table", t.name);
                    return out;
                });
    }

    /** {@code DELETE /v1/connections/{c}/schemas/{s}/tables/{t}}: tombstones the table. */
    public void deleteTable(String ws, String connectionId, String rawSchema, String rawTable) {
        String schema = Identifiers.normalize("schema", rawSchema);
        String table = Identifiers.normalize("table", rawTable);
        List<Path> garbage = new ArrayList<>();
        store.write(
                st -> {
                    DatabaseRecord db = resolve(st, ws, connectionId, true);
                    SchemaRecord s = db.schemas.get(schema);
                    TableRecord t = s == null ? null : s.tables.get(table);
                    if (t == null || t.deleted) {
                        throw ApiException.notFound(
                                "TABLE_NOT_FOUND",
                                "table '" + schema + "." + table + "' not found");
                    }
                    for (FileRecord f : t.files) {
                        garbage.add(layout.resolve(f.path));
                    }
                    t.deleted = true;
                    t.synced = false;
                    t.files = new ArrayList<>();
                    t.columns = new ArrayList<>();
                    t.rowCount = 0;
                    return null;
                });
        layout.deleteLater(scheduler, garbage);
    }

    // ---------------------------------------------------------------- lookups

    /** The database with this id in this workspace, else 404 (other workspaces are invisible). */
    public static DatabaseRecord database(LocalState st, String ws, String id) {
        DatabaseRecord db = st.databases.get(id);
        if (db == null || !db.workspaceId.equals(ws)) {
            throw ApiException.notFound("DATABASE_NOT_FOUND", "database '" + id + "' not found");
        }
        return db;
    }

    /** The database owning this managed connection id, else 404. */
    public static DatabaseRecord byConnection(LocalState st, String ws, String connectionId) {
        for (DatabaseRecord db : st.databases.values()) {
            if (db.connectionId.equals(connectionId) && db.workspaceId.equals(ws)) {
                return db;
            }
        }
        throw ApiException.notFound(
                "CONNECTION_NOT_FOUND", "connection '" + connectionId + "' not found");
    }

    public static DatabaseRecord resolve(
            LocalState st, String ws, String id, boolean byConnection) {
        return byConnection ? byConnection(st, ws, id) : database(st, ws, id);
    }

    // ---------------------------------------------------------------- parsing

    private SchemaRecord parseSchemaDecl(JsonNode d) {
        if (d == null || !d.isObject()) {
            throw ApiException.badRequest("BAD_REQUEST", "schema declaration must be an object");
        }
        SchemaRecord s = new SchemaRecord();
        s.name = Identifiers.normalize("schema", Json.optString(d, "name"));
        JsonNode tables = d.get("tables");
        if (tables != null && !tables.isNull()) {
            if (!tables.isArray()) {
                throw ApiException.badRequest("BAD_REQUEST", "'tables' must be an array");
            }
            for (JsonNode td : tables) {
                TableRecord t = parseTableDecl(td);
                if (s.tables.containsKey(t.name)) {
                    throw ApiException.badRequest(
                            "BAD_REQUEST", "table '" + t.name + "' declared twice");
                }
                s.tables.put(t.name, t);
            }
        }
        return s;
    }

    /** Parses {@code AddManagedTableRequest}; layout is echoed as given. */
    public static TableRecord parseTableDecl(JsonNode d) {
        if (d == null || !d.isObject()) {
            throw ApiException.badRequest("BAD_REQUEST", "table declaration must be an object");
        }
        TableRecord t = newTable(Identifiers.normalize("table", Json.optString(d, "name")));
        List<String> key = Json.optStringList(d, "key");
        if (key != null) {
            if (key.isEmpty() || new HashSet<>(key).size() != key.size()) {
                throw ApiException.badRequest(
                        "INVALID_KEY", "'key' must list distinct column names");
            }
            t.key = key;
        }
        JsonNode pb = d.get("partition_by");
        if (pb != null && !pb.isNull()) {
            if (!pb.isArray()) {
                throw ApiException.badRequest("BAD_REQUEST", "'partition_by' must be an array");
            }
            for (JsonNode p : pb) {
                String col = Json.optString(p, "column");
                String tr = Json.optString(p, "transform");
                if (col == null || tr == null || !TRANSFORMS.contains(tr)) {
                    throw ApiException.badRequest(
                            "BAD_REQUEST",
                            "partition_by entries need 'column' and 'transform' in " + TRANSFORMS);
                }
                Map<String, String> m = new LinkedHashMap<>();
                m.put("column", col);
                m.put("transform", tr);
                t.partitionBy.add(m);
            }
        }
        JsonNode sb = d.get("sorted_by");
        if (sb != null && !sb.isNull()) {
            if (!sb.isArray()) {
                throw ApiException.badRequest("BAD_REQUEST", "'sorted_by' must be an array");
            }
            for (JsonNode p : sb) {
                String col = Json.optString(p, "column");
                String dir = Json.optString(p, "direction");
                String nulls = Json.optString(p, "nulls");
                if (col == null
                        || (dir != null && !dir.equals("asc") && !dir.equals("desc"))
                        || (nulls != null && !nulls.equals("first") && !nulls.equals("last"))) {
                    throw ApiException.badRequest(
                            "BAD_REQUEST",
                            "sorted_by entries need 'column'; direction asc|desc; nulls first|last");
                }
                Map<String, String> m = new LinkedHashMap<>();
                m.put("column", col);
                if (dir != null) {
                    m.put("direction", dir);
                }
                if (nulls != null) {
                    m.put("nulls", nulls);
                }
                t.sortedBy.add(m);
            }
        }
        return t;
    }

    /** A fresh, declared-but-unloaded table. */
    public static TableRecord newTable(String name) {
        TableRecord t = new TableRecord();
        t.name = name;
        t.uid = name + "_" + Ids.random(10);
        return t;
    }

    static String parseExpiry(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        Matcher m = RELATIVE_EXPIRY.matcher(raw);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d =
                    m.group(2).equals("h")
                            ? Duration.ofHours(n)
                            : m.group(2).equals("m") ? Duration.ofMinutes(n) : Duration.ofDays(n);
            return Instant.now().plus(d).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        try {
            return Instant.parse(raw).toString();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    "BAD_REQUEST", "invalid expires_at '" + raw + "' (RFC 3339 or Nh/Nm/Nd)");
        }
    }

    private static ObjectNode summary(DatabaseRecord db) {
        ObjectNode out = Json.obj();
        out.put("id", db.id);
        out.put("name", db.name);
        out.put("default_catalog", db.defaultCatalog);
        out.put("default_schema", db.defaultSchema);
        out.put("created_at", db.createdAt);
        out.put("expires_at", db.expiresAt);
        return out;
    }

    private static String encodeCursor(long seq) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("s:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeCursor(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!s.startsWith("s:")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(s.substring(2));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("BAD_REQUEST", "invalid cursor");
        }
    }
}
