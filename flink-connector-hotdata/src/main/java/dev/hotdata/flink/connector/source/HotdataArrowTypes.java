package dev.hotdata.flink.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps Hotdata's column types — Arrow {@code DataType} display strings such as {@code Int64},
 * {@code Decimal128(10, 2)}, {@code Timestamp(Microsecond, Some("UTC"))}, {@code List(Int32)} — to
 * Flink data types.
 *
 * <table>
 *   <caption>Arrow → Flink</caption>
 *   <tr><th>Arrow</th><th>Flink</th></tr>
 *   <tr><td>Boolean</td><td>BOOLEAN</td></tr>
 *   <tr><td>Int8, Int16, Int32, Int64</td><td>TINYINT, SMALLINT, INT, BIGINT</td></tr>
 *   <tr><td>UInt8, UInt16, UInt32, UInt64</td><td>SMALLINT, INT, BIGINT, DECIMAL(20, 0)</td></tr>
 *   <tr><td>Float16, Float32, Float64</td><td>FLOAT, FLOAT, DOUBLE</td></tr>
 *   <tr><td>Decimal32/64/128/256(p, s), p &le; 38</td><td>DECIMAL(p, s)</td></tr>
 *   <tr><td>Utf8, LargeUtf8, Utf8View</td><td>STRING</td></tr>
 *   <tr><td>Binary, LargeBinary, BinaryView</td><td>BYTES</td></tr>
 *   <tr><td>FixedSizeBinary(n)</td><td>BINARY(n)</td></tr>
 *   <tr><td>Date32, Date64</td><td>DATE</td></tr>
 *   <tr><td>Time32(Second)</td><td>TIME(0)</td></tr>
 *   <tr><td>Time32(Millisecond), Time64(…)</td><td>TIME(3) (Flink's finest TIME)</td></tr>
 *   <tr><td>Timestamp(unit, None)</td><td>TIMESTAMP(0 | 3 | 6 | 9)</td></tr>
 *   <tr><td>Timestamp(unit, Some(zone))</td><td>TIMESTAMP_LTZ(0 | 3 | 6 | 9)</td></tr>
 *   <tr><td>List, LargeList, ListView, FixedSizeList</td><td>ARRAY</td></tr>
 *   <tr><td>Map(key, value)</td><td>MAP</td></tr>
 *   <tr><td>Struct(…)</td><td>ROW</td></tr>
 *   <tr><td>Dictionary(key, value)</td><td>the value type</td></tr>
 *   <tr><td>anything else (Interval, Duration, Null, Decimal256 with p &gt; 38, Union, …)</td>
 *       <td>STRING: the value's JSON text</td></tr>
 * </table>
 *
 * <p>Nested forms are read both as hotdata-local writes them ({@code List(Int32)}, {@code
 * Struct("a": Int32, "b": Utf8)}, {@code Map(Utf8, Int32)}) and as arrow-rs prints them ({@code
 * List(Field { name: "item", data_type: Int32, nullable: true, … })}, {@code Map(Field { name:
 * "entries", data_type: Struct([Field { name: "key", … }, Field { name: "value", … }]) … },
 * false)}, {@code List(nullable Int32)}).
 */
@Internal
public final class HotdataArrowTypes {

    private HotdataArrowTypes() {}

    /** The Flink type of an Arrow type string; unknown types become STRING. Never throws. */
    public static DataType toFlinkType(String arrowType, boolean nullable) {
        DataType type;
        try {
            Node node = new Parser(arrowType).parseAll();
            type = map(node);
        } catch (RuntimeException e) {
            type = DataTypes.STRING();
        }
        return nullable ? type.nullable() : type.notNull();
    }

    // ------------------------------------------------------------------------------------------

    /**
     * A parsed type term: {@code Name}, {@code Name(arg, …)}, a labelled term {@code "a": T} or a
     * record {@code Field { name: "a", data_type: T, nullable: b }} (kept as its entries).
     */
    static final class Node {
        final String name;
        final List<Node> args = new ArrayList<>();
        String label;
        Boolean nullable;

        Node(String name) {
            this.name = name;
        }
    }

    private static DataType map(Node n) {
        switch (n.name) {
            case "Boolean":
                return DataTypes.BOOLEAN();
            case "Int8":
                return DataTypes.TINYINT();
            case "Int16":
            case "UInt8":
                return DataTypes.SMALLINT();
            case "Int32":
            case "UInt16":
                return DataTypes.INT();
            case "Int64":
            case "UInt32":
                return DataTypes.BIGINT();
            case "UInt64":
                return DataTypes.DECIMAL(20, 0);
            case "Float16":
            case "Float32":
                return DataTypes.FLOAT();
            case "Float64":
                return DataTypes.DOUBLE();
            case "Decimal32":
            case "Decimal64":
            case "Decimal128":
            case "Decimal256":
                {
                    int p = intArg(n, 0);
                    int s = intArg(n, 1);
                    if (p < 1 || p > 38 || s < 0 || s > p) {
                        return DataTypes.STRING();
                    }
                    return DataTypes.DECIMAL(p, s);
                }
            case "Utf8":
            case "LargeUtf8":
            case "Utf8View":
                return DataTypes.STRING();
            case "Binary":
            case "LargeBinary":
            case "BinaryView":
                return DataTypes.BYTES();
            case "FixedSizeBinary":
                {
                    int len = intArg(n, 0);
                    return len >= 1 ? DataTypes.BINARY(len) : DataTypes.BYTES();
                }
            case "Date32":
            case "Date64":
                return DataTypes.DATE();
            case "Time32":
            case "Time64":
                return "Second".equals(arg(n, 0).name) ? DataTypes.TIME(0) : DataTypes.TIME(3);
            case "Timestamp":
                {
                    int precision = precision(arg(n, 0).name);
                    boolean zoned = n.args.size() > 1 && "Some".equals(n.args.get(1).name);
                    return zoned
                            ? DataTypes.TIMESTAMP_LTZ(precision)
                            : DataTypes.TIMESTAMP(precision);
                }
            case "List":
            case "LargeList":
            case "ListView":
            case "LargeListView":
            case "FixedSizeList":
                return DataTypes.ARRAY(field(arg(n, 0)));
            case "Map":
                return mapType(n);
            case "Struct":
                return structType(n);
            case "Dictionary":
                return map(arg(n, 1));
            default:
                return DataTypes.STRING();
        }
    }

    private static DataType mapType(Node n) {
        Node first = arg(n, 0);
        Node entries = first.name.equals("Field") ? dataTypeOf(first) : first;
        boolean sortedFlagOnly =
                n.args.size() == 1
                        || isBooleanLiteral(n.args.get(1))
                        || n.args.get(1).name.equalsIgnoreCase("sorted")
                        || n.args.get(1).name.equalsIgnoreCase("unsorted");
        if (sortedFlagOnly && entries.name.equals("Struct") && fieldsOf(entries).size() == 2) {
            // Map(Field { data_type: Struct(key, value) }, sorted)
            List<Node> kv = fieldsOf(entries);
            return DataTypes.MAP(field(kv.get(0)).notNull(), field(kv.get(1)));
        }
        // Map(key, value)
        return DataTypes.MAP(field(first).notNull(), field(arg(n, 1)));
    }

    private static DataType structType(Node n) {
        List<Node> fields = fieldsOf(n);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("empty Struct");
        }
        List<DataTypes.Field> out = new ArrayList<>();
        for (Node f : fields) {
            String name = f.name.equals("Field") ? stringEntry(f, "name") : f.label;
            if (name == null) {
                throw new IllegalArgumentException("Struct field without a name");
            }
            out.add(DataTypes.FIELD(name, field(f)));
        }
        return DataTypes.ROW(out.toArray(new DataTypes.Field[0]));
    }

    /** The fields of a Struct: its arguments, or the elements of a bracketed list argument. */
    private static List<Node> fieldsOf(Node struct) {
        if (struct.args.size() == 1 && struct.args.get(0).name.equals("[")) {
            return struct.args.get(0).args;
        }
        return struct.args;
    }

    /** The type of a field-like term (a bare type, a labelled type or a Field record). */
    private static DataType field(Node n) {
        Node typeNode = n.name.equals("Field") ? dataTypeOf(n) : n;
        Boolean nullable = n.name.equals("Field") ? booleanEntry(n, "nullable") : n.nullable;
        DataType t = map(typeNode);
        return nullable != null && !nullable ? t.notNull() : t.nullable();
    }

    private static Node dataTypeOf(Node field) {
        for (Node entry : field.args) {
            if ("data_type".equals(entry.label)) {
                return entry;
            }
        }
        throw new IllegalArgumentException("Field without data_type");
    }

    private static String stringEntry(Node field, String key) {
        for (Node entry : field.args) {
            if (key.equals(entry.label)) {
                return entry.name.startsWith("\"") ? unquote(entry.name) : entry.name;
            }
        }
        return null;
    }

    private static Boolean booleanEntry(Node field, String key) {
        for (Node entry : field.args) {
            if (key.equals(entry.label) && isBooleanLiteral(entry)) {
                return Boolean.parseBoolean(entry.name);
            }
        }
        return null;
    }

    private static boolean isBooleanLiteral(Node n) {
        return n.args.isEmpty() && (n.name.equals("true") || n.name.equals("false"));
    }

    private static Node arg(Node n, int i) {
        if (i >= n.args.size()) {
            throw new IllegalArgumentException(n.name + " needs argument " + (i + 1));
        }
        return n.args.get(i);
    }

    private static int intArg(Node n, int i) {
        return Integer.parseInt(arg(n, i).name);
    }

    private static int precision(String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "second":
                return 0;
            case "millisecond":
                return 3;
            case "microsecond":
                return 6;
            case "nanosecond":
                return 9;
            default:
                throw new IllegalArgumentException("unknown time unit " + unit);
        }
    }

    private static String unquote(String s) {
        return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** A tolerant recursive-descent parser of the display form. */
    static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s == null ? "" : s;
        }

        Node parseAll() {
            Node n = term();
            skipSpace();
            if (pos != s.length()) {
                throw new IllegalArgumentException("trailing text at " + pos);
            }
            return n;
        }

        /** [label ':'] ['nullable' | 'non-null'] value. */
        private Node term() {
            skipSpace();
            Node first = value();
            skipSpace();
            if (peek() == ':') {
                pos++;
                String label = first.name.startsWith("\"") ? unquote(first.name) : first.name;
                Node v = term();
                v.label = label;
                return v;
            }
            if (first.args.isEmpty()
                    && (first.name.equals("nullable") || first.name.equals("non-null"))
                    && pos < s.length()
                    && (Character.isLetter(peek()) || peek() == '"')) {
                Node v = term();
                v.nullable = first.name.equals("nullable");
                return v;
            }
            return first;
        }

        private Node value() {
            skipSpace();
            char c = peek();
            if (c == '"') {
                return new Node(quoted());
            }
            if (c == '[') {
                pos++;
                Node list = new Node("[");
                list.args.addAll(items(']'));
                return list;
            }
            if (c == '{') {
                pos++;
                Node record = new Node("{");
                record.args.addAll(items('}'));
                return record;
            }
            String word = word();
            Node n = new Node(word);
            skipSpace();
            if (peek() == '(') {
                pos++;
                n.args.addAll(items(')'));
            } else if (peek() == '{') {
                pos++;
                n.args.addAll(items('}'));
            }
            return n;
        }

        private List<Node> items(char close) {
            List<Node> out = new ArrayList<>();
            skipSpace();
            if (peek() == close) {
                pos++;
                return out;
            }
            while (true) {
                out.add(term());
                skipSpace();
                char c = next();
                if (c == close) {
                    return out;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected ',' or '" + close + "' at " + pos);
                }
                skipSpace();
                if (peek() == close) {
                    pos++;
                    return out;
                }
            }
        }

        private String word() {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '+') {
                    pos++;
                } else {
                    break;
                }
            }
            if (start == pos) {
                throw new IllegalArgumentException("expected a name at " + pos);
            }
            return s.substring(start, pos);
        }

        private String quoted() {
            int start = pos;
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '\\') {
                    pos++;
                } else if (c == '"') {
                    return s.substring(start, pos);
                }
            }
            throw new IllegalArgumentException("unterminated string");
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private char next() {
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(pos++);
        }
    }
}
