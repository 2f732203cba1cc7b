package dev.hotdata.local.load;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Json;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A validated {@code LoadManagedTableRequest}. */
final class LoadRequest {
    static final Set<String> MODES =
            new HashSet<>(Arrays.asList("replace", "append", "upsert", "update", "delete"));
    private static final Set<String> INLINE_TYPES =
            new HashSet<>(
                    Arrays.asList(
                            "VARCHAR",
                            "TEXT",
                            "STRING",
                            "CHAR",
                            "BOOLEAN",
                            "TINYINT",
                            "SMALLINT",
                            "INTEGER",
                            "BIGINT",
                            "UTINYINT",
                            "USMALLINT",
                            "UINTEGER",
                            "UBIGINT",
                            "REAL",
                            "FLOAT",
                            "DOUBLE",
                            "DECIMAL",
                            "NUMERIC",
                            "DATE",
                            "TIME",
                            "TIMESTAMP",
                            "TIMESTAMPTZ",
                            "BINARY",
                            "BLOB",
                            "UUID",
                            "JSON"));

    String mode;
    String uploadId;
    String resultId;
    String data;

    /** Inline column name → DuckDB type, in request order. */
    Map<String, String> columns;

    String format;
    List<String> key;
    boolean async;
    Long asyncAfterMs;
    String idempotencyKey;

    boolean keyMode() {
        return mode.equals("upsert") || mode.equals("update") || mode.equals("delete");
    }

    static LoadRequest parse(JsonNode body, long inlineMax) {
        LoadRequest r = new LoadRequest();
        r.mode = Json.optString(body, "mode");
        if (r.mode == null || !MODES.contains(r.mode)) {
            throw ApiException.badRequest(
                    "INVALID_MODE",
                    "'mode' must be one of replace, append, upsert, update, delete");
        }
        r.uploadId = Json.optString(body, "upload_id");
        r.resultId = Json.optString(body, "result_id");
        r.data = Json.optString(body, "data");
        int sources =
                (r.uploadId != null ? 1 : 0)
                        + (r.resultId != null ? 1 : 0)
                        + (r.data != null ? 1 : 0);
        if (sources != 1) {
            throw ApiException.badRequest(
                    "INVALID_SOURCE", "exactly one of upload_id, result_id, data is required");
        }
        r.format = Json.optString(body, "format");
        if (r.format != null) {
            r.format = r.format.toLowerCase(Locale.ROOT);
            if (!r.format.equals("csv")
                    && !r.format.equals("json")
                    && !r.format.equals("parquet")) {
                throw ApiException.badRequest(
                        "INVALID_FORMAT", "'format' must be csv, json or parquet");
            }
            if (r.resultId != null) {
                throw ApiException.badRequest(
                        "INVALID_FORMAT", "'format' is not allowed with result_id");
            }
            if (r.data != null && !r.format.equals("csv")) {
                throw ApiException.badRequest("INVALID_FORMAT", "inline data must be csv");
            }
        }
        JsonNode cols = body.get("columns");
        if (cols != null && !cols.isNull()) {
            if (r.data == null) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "'columns' is only allowed with inline data");
            }
            if (!cols.isObject()) {
                throw ApiException.badRequest("BAD_REQUEST", "'columns' must be an object");
            }
            r.columns = new LinkedHashMap<>();
            cols.fields()
                    .forEachRemaining(
                            e -> r.columns.put(e.getKey(), columnType(e.getKey(), e.getValue())));
        }
        r.key = Json.optStringList(body, "key");
        if (r.key != null && (r.key.isEmpty() || new HashSet<>(r.key).size() != r.key.size())) {
            throw ApiException.badRequest("INVALID_KEY", "'key' must list distinct column names");
        }
        r.async = Json.optBool(body, "async");
        r.asyncAfterMs = Json.optLong(body, "async_after_ms");
        if (r.asyncAfterMs != null) {
            if (!r.async) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "'async_after_ms' requires async: true");
            }
            if (r.asyncAfterMs < 1000 || r.asyncAfterMs > 60000) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "'async_after_ms' must be between 1000 and 60000");
            }
        }
        r.idempotencyKey = Json.optString(body, "idempotency_key");
        if (r.idempotencyKey != null) {
            if (r.data == null) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "'idempotency_key' is only allowed with inline data");
            }
            if (r.idempotencyKey.isEmpty() || r.idempotencyKey.length() > 255) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "'idempotency_key' must be 1 to 255 characters");
            }
        }
        if (r.data != null && r.data.getBytes(StandardCharsets.UTF_8).length > inlineMax) {
            throw new ApiException(
                    413,
                    "INLINE_DATA_TOO_LARGE",
                    "inline data exceeds " + inlineMax + " bytes; upload it instead");
        }
        return r;
    }

    /** A {@code ColumnDefinition} (string or {type, precision, scale}) as a DuckDB type. */
    private static String columnType(String name, JsonNode def) {
        String type;
        Integer precision = null;
        Integer scale = null;
        if (def.isTextual()) {
            type = def.asText().trim();
            int p = type.indexOf('(');
            if (p > 0 && type.endsWith(")")) {
                String[] ps = type.substring(p + 1, type.length() - 1).split(",");
                try {
                    precision = Integer.parseInt(ps[0].trim());
                    scale = ps.length > 1 ? Integer.parseInt(ps[1].trim()) : 0;
                } catch (NumberFormatException e) {
                    throw badType(name, type);
                }
                type = type.substring(0, p).trim();
            }
        } else if (def.isObject()) {
            type = Json.optString(def, "type");
            Long pr = Json.optLong(def, "precision");
            Long sc = Json.optLong(def, "scale");
            precision = pr == null ? null : pr.intValue();
            scale = sc == null ? null : sc.intValue();
            if (type == null) {
                throw badType(name, "(missing type)");
            }
        } else {
            throw badType(name, def.toString());
        }
        String upper = type.toUpperCase(Locale.ROOT);
        if (!INLINE_TYPES.contains(upper)) {
            throw badType(name, type);
        }
        switch (upper) {
            case "TEXT":
            case "STRING":
            case "CHAR":
            case "JSON":
                return "VARCHAR";
            case "REAL":
                return "FLOAT";
            case "BINARY":
                return "BLOB";
            case "TIMESTAMPTZ":
                return "TIMESTAMP WITH TIME ZONE";
            case "DECIMAL":
            case "NUMERIC":
                int p = precision == null ? 18 : precision;
                int s = scale == null ? (precision == null ? 3 : 0) : scale;
                if (p < 1 || p > 38 || s < 0 || s > p) {
                    throw ApiException.badRequest(
                            "INVALID_COLUMNS",
                            "column '"
                                    + name
                                    + "': precision must be 1..38 and scale <= precision");
                }
                return "DECIMAL(" + p + "," + s + ")";
            default:
                return upper;
        }
    }

    private static ApiException badType(String name, String type) {
        return ApiException.badRequest(
                "INVALID_COLUMNS", "column '" + name + "': unsupported type '" + type + "'");
    }
}
