package dev.hotdata.local.catalog;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.api.ServerReadings;
import dev.hotdata.local.engine.DuckType;
import dev.hotdata.local.store.ColumnRecord;
import dev.hotdata.local.store.DatabaseRecord;
import dev.hotdata.local.store.SchemaRecord;
import dev.hotdata.local.store.StateStore;
import dev.hotdata.local.store.TableRecord;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code GET /v1/information_schema}: tables (and columns) of a managed connection. */
public final class InformationSchema {
    private final StateStore store;
    private final ServerReadings readings;

    public InformationSchema(StateStore store, ServerReadings readings) {
        this.store = store;
        this.readings = readings;
    }

    public ObjectNode list(
            String ws,
            String connectionId,
            String schemaPattern,
            String tablePattern,
            boolean includeColumns,
            String limitRaw,
            String cursor) {
        int limit = 100;
        if (limitRaw != null) {
            try {
                limit = Math.max(1, Math.min(1000, Integer.parseInt(limitRaw)));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("BAD_REQUEST", "'limit' must be an integer");
            }
        }
        int offset = cursor == null || cursor.isEmpty() ? 0 : decode(cursor);
        Pattern sp = like(schemaPattern);
        Pattern tp = like(tablePattern);
        final int lim = limit;
        return store.read(
                st -> {
                    List<ObjectNode> all = new ArrayList<>();
                    // managed tables are absent from the unscoped listing (reference §10)
                    if (connectionId != null) {
                        DatabaseRecord db = Catalog.byConnection(st, ws, connectionId);
                        List<SchemaRecord> schemas = new ArrayList<>(db.schemas.values());
                        schemas.sort((a, b) -> a.name.compareTo(b.name));
                        for (SchemaRecord s : schemas) {
                            if (sp != null && !sp.matcher(s.name).matches()) {
                                continue;
                            }
                            List<TableRecord> tables = new ArrayList<>(s.tables.values());
                            tables.sort((a, b) -> a.name.compareTo(b.name));
                            for (TableRecord t : tables) {
                                if (t.deleted || (tp != null && !tp.matcher(t.name).matches())) {
                                    continue;
                                }
                                all.add(info(db, s, t, includeColumns, readings.listingHasKey()));
                            }
                        }
                    }
                    ArrayNode arr = Json.arr();
                    int end = Math.min(all.size(), offset + lim);
                    for (int i = offset; i < end; i++) {
                        arr.add(all.get(i));
                    }
                    ObjectNode out = Json.obj();
                    out.set("tables", arr);
                    out.put("count", arr.size());
                    out.put("limit", lim);
                    out.put("has_more", end < all.size());
                    if (end < all.size()) {
                        out.put("next_cursor", encode(end));
                    } else {
                        out.putNull("next_cursor");
                    }
                    return out;
                });
    }

    private static ObjectNode info(
            DatabaseRecord db,
            SchemaRecord s,
            TableRecord t,
            boolean includeColumns,
            boolean withKey) {
        ObjectNode o = Json.obj();
        o.put("connection", db.defaultCatalog);
        o.put("schema", s.name);
        o.put("table", t.name);
        o.put("synced", t.synced);
        o.put("last_sync", t.lastSync);
        if (includeColumns) {
            ArrayNode cols = o.putArray("columns");
            for (ColumnRecord c : t.columns) {
                ObjectNode col = cols.addObject();
                col.put("name", c.name);
                col.put("data_type", DuckType.parse(c.type).arrowName());
                col.put("nullable", true);
            }
        }
        ArrayNode pb = o.putArray("partition_by");
        for (Map<String, String> m : t.partitionBy) {
            ObjectNode e = pb.addObject();
            m.forEach(e::put);
        }
        ArrayNode sb = o.putArray("sorted_by");
        for (Map<String, String> m : t.sortedBy) {
            ObjectNode e = sb.addObject();
            m.forEach(e::put);
        }
        // the public TableInfo has no 'key' (newer-evidence row 5): only under the switch
        if (withKey && t.key != null) {
            ArrayNode k = o.putArray("key");
            t.key.forEach(k::add);
        }
        return o;
    }

    /** SQL LIKE ({@code %}, {@code _}) as a case-insensitive regex; null = match all. */
    private static Pattern like(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '%') {
                sb.append(".*");
            } else if (c == '_') {
                sb.append('.');
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static String encode(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!s.startsWith("o:")) {
                throw new IllegalArgumentException();
            }
            return Integer.parseInt(s.substring(2));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("BAD_REQUEST", "invalid cursor");
        }
    }
}
