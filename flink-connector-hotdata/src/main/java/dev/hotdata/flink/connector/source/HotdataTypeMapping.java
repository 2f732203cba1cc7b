package dev.hotdata.flink.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink types for Hotdata's column types, which Hotdata reports as Arrow {@code DataType} display
 * strings ({@code Int64}, {@code Decimal128(12, 2)}, {@code Timestamp(Microsecond, Some("UTC"))}).
 * Nested types (List, Struct, Map) and types Flink has no counterpart for are read as STRING,
 * holding the value's JSON text.
 */
@Internal
public final class HotdataTypeMapping {

    private static final Pattern DECIMAL =
            Pattern.compile("Decimal(?:128|256)?\\((\\d+),\\s*(\\d+)\\)");
    private static final Pattern TIMESTAMP = Pattern.compile("Timestamp\\((\\w+),\\s*(.+)\\)");

    private HotdataTypeMapping() {}

    /** The Flink type of a column of this Arrow type (nullable). */
    public static DataType toFlink(String arrowType) {
        String t = arrowType == null ? "" : arrowType.trim();
        switch (t) {
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
            case "Utf8":
            case "LargeUtf8":
            case "Utf8View":
                return DataTypes.STRING();
            case "Binary":
            case "LargeBinary":
            case "BinaryView":
                return DataTypes.BYTES();
            case "Date32":
            case "Date64":
                return DataTypes.DATE();
            default:
                break;
        }
        Matcher decimal = DECIMAL.matcher(t);
        if (decimal.matches()) {
            int precision = Integer.parseInt(decimal.group(1));
            int scale = Integer.parseInt(decimal.group(2));
            if (precision <= 38) {
                return DataTypes.DECIMAL(precision, scale);
            }
            return DataTypes.STRING();
        }
        if (t.startsWith("Time32") || t.startsWith("Time64")) {
            return DataTypes.TIME(3); // Flink's TIME holds milliseconds
        }
        Matcher timestamp = TIMESTAMP.matcher(t);
        if (timestamp.matches()) {
            int precision = precisionOf(timestamp.group(1));
            boolean zoned = !timestamp.group(2).trim().equals("None");
            return zoned ? DataTypes.TIMESTAMP_LTZ(precision) : DataTypes.TIMESTAMP(precision);
        }
        return DataTypes.STRING(); // nested and unknown types: their JSON text
    }

    private static int precisionOf(String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "second":
                return 0;
            case "millisecond":
                return 3;
            case "nanosecond":
                return 9;
            default:
                return 6;
        }
    }
}
