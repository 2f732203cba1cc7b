package dev.hotdata.local.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed DuckDB type string ({@code BIGINT}, {@code DECIMAL(10,2)}, {@code INTEGER[]}, {@code
 * STRUCT(a INTEGER, b VARCHAR)}, {@code MAP(VARCHAR, BIGINT)}, ...): its Arrow display name, the
 * widening rule of schema evolution, and how its values are encoded in JSON.
 */
public final class DuckType {
    /** How a value of this type is put into JSON. */
    public enum JsonKind {
        NUMBER,
        BOOLEAN,
        STRING,
        /** Serialized by DuckDB's {@code to_json}, embedded as a JSON value. */
        NESTED
    }

    private static final Map<String, Integer> SIGNED = new HashMap<>();
    private static final Map<String, Integer> UNSIGNED = new HashMap<>();
    private static final Map<String, Integer> DIGITS = new HashMap<>();
    private static final List<String> TS_UNITS =
            Arrays.asList("TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP", "TIMESTAMP_NS");

    static {
        SIGNED.put("TINYINT", 1);
        SIGNED.put("SMALLINT", 2);
        SIGNED.put("INTEGER", 3);
        SIGNED.put("BIGINT", 4);
        SIGNED.put("HUGEINT", 5);
        UNSIGNED.put("UTINYINT", 1);
        UNSIGNED.put("USMALLINT", 2);
        UNSIGNED.put("UINTEGER", 3);
        UNSIGNED.put("UBIGINT", 4);
        UNSIGNED.put("UHUGEINT", 5);
        DIGITS.put("TINYINT", 3);
        DIGITS.put("SMALLINT", 5);
        DIGITS.put("INTEGER", 10);
        DIGITS.put("BIGINT", 19);
        DIGITS.put("HUGEINT", 39);
        DIGITS.put("UTINYINT", 3);
        DIGITS.put("USMALLINT", 5);
        DIGITS.put("UINTEGER", 10);
        DIGITS.put("UBIGINT", 20);
        DIGITS.put("UHUGEINT", 39);
    }

    /** LIST, STRUCT, MAP, DECIMAL or a scalar name such as BIGINT. */
    private final String base;

    private final int precision;
    private final int scale;
    private final List<String> fieldNames;
    private final List<DuckType> children;

    private DuckType(
            String base, int precision, int scale, List<String> names, List<DuckType> children) {
        this.base = base;
        this.precision = precision;
        this.scale = scale;
        this.fieldNames = names;
        this.children = children;
    }

    /** Parses a DuckDB type string as printed by {@code DESCRIBE}. */
    public static DuckType parse(String raw) {
        String s = raw.trim();
        String upper = s.toUpperCase(Locale.ROOT);
        if (s.endsWith("]")) {
            int open = matchingOpen(s, s.length() - 1, '[', ']');
            return new DuckType(
                    "LIST",
                    0,
                    0,
                    Collections.emptyList(),
                    Collections.singletonList(parse(s.substring(0, open))));
        }
        if (upper.startsWith("DECIMAL(") || upper.startsWith("NUMERIC(")) {
            String[] ps = s.substring(s.indexOf('(') + 1, s.length() - 1).split(",");
            return new DuckType(
                    "DECIMAL",
                    Integer.parseInt(ps[0].trim()),
                    Integer.parseInt(ps[1].trim()),
                    Collections.emptyList(),
                    Collections.emptyList());
        }
        if (upper.startsWith("STRUCT(")) {
            List<String> names = new ArrayList<>();
            List<DuckType> kids = new ArrayList<>();
            for (String part : splitTopLevel(s.substring(7, s.length() - 1))) {
                String p = part.trim();
                String name;
                String type;
                if (p.startsWith("\"")) {
                    int end = p.indexOf('"', 1);
                    while (end + 1 < p.length() && p.charAt(end + 1) == '"') {
                        end = p.indexOf('"', end + 2);
                    }
                    name = p.substring(1, end).replace("\"\"", "\"");
                    type = p.substring(end + 1).trim();
                } else {
                    int sp = p.indexOf(' ');
                    name = p.substring(0, sp);
                    type = p.substring(sp + 1).trim();
                }
                names.add(name);
                kids.add(parse(type));
            }
            return new DuckType("STRUCT", 0, 0, names, kids);
        }
        if (upper.startsWith("MAP(")) {
            List<String> parts = splitTopLevel(s.substring(4, s.length() - 1));
            return new DuckType(
                    "MAP",
                    0,
                    0,
                    Collections.emptyList(),
                    Arrays.asList(parse(parts.get(0)), parse(parts.get(1))));
        }
        if (upper.equals("TIMESTAMPTZ")) {
            upper = "TIMESTAMP WITH TIME ZONE";
        }
        if (upper.equals("TIMESTAMP_US") || upper.equals("DATETIME")) {
            upper = "TIMESTAMP";
        }
        return new DuckType(upper, 0, 0, Collections.emptyList(), Collections.emptyList());
    }

    public String base() {
        return base;
    }

    public boolean isNested() {
        return base.equals("LIST") || base.equals("STRUCT") || base.equals("MAP");
    }

    /** The Arrow {@code DataType} display string DataFusion would report. */
    public String arrowName() {
        switch (base) {
            case "BOOLEAN":
                return "Boolean";
            case "TINYINT":
                return "Int8";
            case "SMALLINT":
                return "Int16";
            case "INTEGER":
                return "Int32";
            case "BIGINT":
                return "Int64";
            case "UTINYINT":
                return "UInt8";
            case "USMALLINT":
                return "UInt16";
            case "UINTEGER":
                return "UInt32";
            case "UBIGINT":
                return "UInt64";
            case "HUGEINT":
            case "UHUGEINT":
                return "Decimal128(38, 0)";
            case "FLOAT":
                return "Float32";
            case "DOUBLE":
                return "Float64";
            case "DECIMAL":
                return (precision > 38 ? "Decimal256(" : "Decimal128(")
                        + precision
                        + ", "
                        + scale
                        + ")";
            case "VARCHAR":
            case "JSON":
                return "Utf8";
            case "BLOB":
                return "Binary";
            case "UUID":
                return "FixedSizeBinary(16)";
            case "DATE":
                return "Date32";
            case "TIME":
                return "Time64(Microsecond)";
            case "TIMESTAMP":
                return "Timestamp(Microsecond, None)";
            case "TIMESTAMP_S":
                return "Timestamp(Second, None)";
            case "TIMESTAMP_MS":
                return "Timestamp(Millisecond, None)";
            case "TIMESTAMP_NS":
                return "Timestamp(Nanosecond, None)";
            case "TIMESTAMP WITH TIME ZONE":
                return "Timestamp(Microsecond, Some(\"UTC\"))";
            case "INTERVAL":
                return "Interval(MonthDayNano)";
            case "LIST":
                return "List(" + children.get(0).arrowName() + ")";
            case "MAP":
                return "Map("
                        + children.get(0).arrowName()
                        + ", "
                        + children.get(1).arrowName()
                        + ")";
            case "STRUCT":
                StringBuilder sb = new StringBuilder("Struct(");
                for (int i = 0; i < children.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append('"')
                            .append(fieldNames.get(i))
                            .append("\": ")
                            .append(children.get(i).arrowName());
                }
                return sb.append(')').toString();
            default:
                return base.startsWith("ENUM") ? "Dictionary(UInt32, Utf8)" : "Utf8";
        }
    }

    /**
     * Whether a column of type {@code from} may become {@code to} without losing values: equal
     * types, larger integers, integers into decimals/floats that hold them, FLOAT to DOUBLE,
     * decimals with more integer and fraction digits, finer timestamp units.
     */
    public static boolean widensTo(DuckType from, DuckType to) {
        if (from.equals(to)) {
            return true;
        }
        String f = from.base;
        String t = to.base;
        if (SIGNED.containsKey(f) && SIGNED.containsKey(t)) {
            return SIGNED.get(t) >= SIGNED.get(f);
        }
        if (UNSIGNED.containsKey(f) && UNSIGNED.containsKey(t)) {
            return UNSIGNED.get(t) >= UNSIGNED.get(f);
        }
        if (UNSIGNED.containsKey(f) && SIGNED.containsKey(t)) {
            return SIGNED.get(t) > UNSIGNED.get(f);
        }
        if (DIGITS.containsKey(f) && t.equals("DECIMAL")) {
            return to.precision - to.scale >= DIGITS.get(f);
        }
        if (DIGITS.containsKey(f) && t.equals("FLOAT")) {
            return DIGITS.get(f) <= 5;
        }
        if (DIGITS.containsKey(f) && t.equals("DOUBLE")) {
            return DIGITS.get(f) <= 10;
        }
        if (f.equals("FLOAT") && t.equals("DOUBLE")) {
            return true;
        }
        if (f.equals("DECIMAL") && t.equals("DECIMAL")) {
            return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
        }
        if (TS_UNITS.contains(f) && TS_UNITS.contains(t)) {
            return TS_UNITS.indexOf(t) >= TS_UNITS.indexOf(f);
        }
        if (f.equals(t) && (f.equals("LIST") || f.equals("MAP"))) {
            for (int i = 0; i < from.children.size(); i++) {
                if (!widensTo(from.children.get(i), to.children.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (f.equals("STRUCT") && t.equals("STRUCT")) {
            if (!from.fieldNames.equals(to.fieldNames)) {
                return false;
            }
            for (int i = 0; i < from.children.size(); i++) {
                if (!widensTo(from.children.get(i), to.children.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** How values of this type are encoded in JSON results. */
    public JsonKind jsonKind() {
        if (isNested()) {
            return JsonKind.NESTED;
        }
        if (base.equals("BOOLEAN")) {
            return JsonKind.BOOLEAN;
        }
        if ((SIGNED.containsKey(base) || UNSIGNED.containsKey(base)) && !base.endsWith("HUGEINT")) {
            return JsonKind.NUMBER;
        }
        if (base.equals("FLOAT") || base.equals("DOUBLE")) {
            return JsonKind.NUMBER;
        }
        return JsonKind.STRING;
    }

    /** A DuckDB expression turning column {@code col} (quoted) into its JSON-ready value. */
    public String jsonExpression(String col) {
        switch (base) {
            case "FLOAT":
            case "DOUBLE":
                return "CASE WHEN isfinite(" + col + ") THEN " + col + " END";
            case "TIMESTAMP WITH TIME ZONE":
                return "strftime(timezone('UTC', " + col + "), '%Y-%m-%dT%H:%M:%S.%fZ')";
            case "TIMESTAMP":
            case "TIMESTAMP_S":
            case "TIMESTAMP_MS":
            case "TIMESTAMP_NS":
                return "strftime(CAST(" + col + " AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%f')";
            case "BLOB":
                return "to_base64(" + col + ")";
            default:
                break;
        }
        switch (jsonKind()) {
            case NESTED:
                return "CAST(to_json(" + col + ") AS VARCHAR)";
            case STRING:
                return "CAST(" + col + " AS VARCHAR)";
            default:
                return col;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DuckType)) {
            return false;
        }
        DuckType d = (DuckType) o;
        return base.equals(d.base)
                && precision == d.precision
                && scale == d.scale
                && fieldNames.equals(d.fieldNames)
                && children.equals(d.children);
    }

    @Override
    public int hashCode() {
        return base.hashCode() * 31 + precision * 7 + scale;
    }

    @Override
    public String toString() {
        return base.equals("DECIMAL") ? "DECIMAL(" + precision + "," + scale + ")" : base;
    }

    private static int matchingOpen(String s, int closeIdx, char open, char close) {
        int depth = 0;
        for (int i = closeIdx; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == close) {
                depth++;
            } else if (c == open) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unbalanced type " + s);
    }

    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '[')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
