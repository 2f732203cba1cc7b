package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DistinctType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which Flink logical types the connector can store in Hotdata, and the Parquet schema it writes
 * for them.
 *
 * <table>
 *   <caption>Type mapping</caption>
 *   <tr><th>Flink</th><th>Parquet</th></tr>
 *   <tr><td>BOOLEAN</td><td>BOOLEAN</td></tr>
 *   <tr><td>TINYINT / SMALLINT</td><td>INT32 (INT(8|16, signed))</td></tr>
 *   <tr><td>INT / BIGINT</td><td>INT32 / INT64</td></tr>
 *   <tr><td>FLOAT / DOUBLE</td><td>FLOAT / DOUBLE</td></tr>
 *   <tr><td>CHAR / VARCHAR / STRING</td><td>BINARY (STRING)</td></tr>
 *   <tr><td>BINARY / VARBINARY / BYTES</td><td>BINARY</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>DECIMAL(p,s) on INT32 (p &le; 9), INT64 (p &le; 18), else
 *       FIXED_LEN_BYTE_ARRAY(minimal width)</td></tr>
 *   <tr><td>DATE</td><td>INT32 (DATE)</td></tr>
 *   <tr><td>TIME(p)</td><td>INT64 (TIME(MICROS, isAdjustedToUTC=false)); Flink holds millis</td></tr>
 *   <tr><td>TIMESTAMP(p)</td><td>INT64 (TIMESTAMP(unit, isAdjustedToUTC=false))</td></tr>
 *   <tr><td>TIMESTAMP_LTZ(p)</td><td>INT64 (TIMESTAMP(unit, isAdjustedToUTC=true))</td></tr>
 *   <tr><td>ARRAY&lt;T&gt;</td><td>3-level LIST</td></tr>
 *   <tr><td>MAP&lt;K,V&gt;</td><td>MAP (key required; a null key fails the write)</td></tr>
 *   <tr><td>MULTISET&lt;T&gt;</td><td>MAP&lt;T, INT32 required&gt;</td></tr>
 *   <tr><td>ROW</td><td>group, any depth</td></tr>
 *   <tr><td>DISTINCT type</td><td>as its source type</td></tr>
 * </table>
 *
 * <p>The timestamp unit is {@link ParquetWriterOptions#timestampUnit()} (MICROS by default). NOT
 * NULL types are REQUIRED, others OPTIONAL. Column names are kept exactly as declared.
 *
 * <p>Rejected: INTERVAL (Hotdata has no interval column type; cast to BIGINT or STRING), TIMESTAMP
 * WITH TIME ZONE (use TIMESTAMP_LTZ), RAW, structured types, SYMBOL, NULL, VARIANT, BITMAP,
 * DESCRIPTOR, unresolved types, empty ROWs, and two fields of one ROW whose names differ only in
 * case (Hotdata's engine resolves names case-insensitively).
 */
@Internal
public final class HotdataTypeSupport {

    /** Name of the Parquet message (root group); readers ignore it. */
    static final String MESSAGE_NAME = "hotdata_schema";

    static final String LIST_REPEATED = "list";
    static final String LIST_ELEMENT = "element";
    static final String MAP_REPEATED = "key_value";
    static final String MAP_KEY = "key";
    static final String MAP_VALUE = "value";

    private static final String SUPPORTED =
            "BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p <= 38, s),"
                    + " CHAR, VARCHAR/STRING, BINARY, VARBINARY/BYTES, DATE, TIME, TIMESTAMP,"
                    + " TIMESTAMP_LTZ, ARRAY, MAP, MULTISET, ROW (nested at any depth)";

    private HotdataTypeSupport() {}

    /**
     * Checks that every column, at any nesting depth, has a type Hotdata can store.
     *
     * @throws ValidationException naming the path and type of the first unsupported column
     */
    public static void validate(RowType rowType) {
        if (rowType.getFieldCount() == 0) {
            throw new ValidationException(
                    "The table has no columns; Hotdata needs at least one column.");
        }
        checkRowFields(rowType, "");
    }

    /** The Parquet schema written for {@code rowType}, with MICROS timestamps. */
    public static MessageType toParquetSchema(RowType rowType) {
        return toParquetSchema(rowType, ParquetTimestampUnit.MICROS);
    }

    /**
     * The Parquet schema written for {@code rowType}.
     *
     * @throws ValidationException as {@link #validate(RowType)}
     */
    public static MessageType toParquetSchema(RowType rowType, ParquetTimestampUnit unit) {
        validate(rowType);
        List<Type> fields = new ArrayList<>(rowType.getFieldCount());
        for (RowType.RowField f : rowType.getFields()) {
            fields.add(convert(f.getName(), f.getType(), unit));
        }
        return new MessageType(MESSAGE_NAME, fields);
    }

    /** Removes DISTINCT type wrappers: their data has the source type's representation. */
    static LogicalType unwrap(LogicalType type) {
        LogicalType t = type;
        while (t instanceof DistinctType) {
            LogicalType source = ((DistinctType) t).getSourceType();
            // a DISTINCT type keeps its own nullability
            t = source.copy(t.isNullable() && source.isNullable());
        }
        return t;
    }

    static String childPath(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    static String elementPath(String parent) {
        return parent + ".<element>";
    }

    static String keyPath(String parent) {
        return parent + ".<key>";
    }

    static String valuePath(String parent) {
        return parent + ".<value>";
    }

    private static void checkRowFields(RowType row, String path) {
        Map<String, String> seen = new HashMap<>();
        for (RowType.RowField f : row.getFields()) {
            String fieldPath = childPath(path, f.getName());
            String previous = seen.put(f.getName().toLowerCase(Locale.ROOT), f.getName());
            if (previous != null) {
                throw new ValidationException(
                        String.format(
                                "Columns '%s' and '%s' differ only in case; Hotdata resolves column"
                                        + " names case-insensitively. Rename one of them.",
                                childPath(path, previous), fieldPath));
            }
            check(f.getType(), fieldPath);
        }
    }

    private static void check(LogicalType declared, String path) {
        LogicalType type = unwrap(declared);
        switch (type.getTypeRoot()) {
            case BOOLEAN:
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT:
            case FLOAT:
            case DOUBLE:
            case CHAR:
            case VARCHAR:
            case BINARY:
            case VARBINARY:
            case DATE:
            case TIME_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return;
            case DECIMAL:
                if (((DecimalType) type).getPrecision() > 38) {
                    throw unsupported(path, declared, "DECIMAL precision above 38.");
                }
                return;
            case ARRAY:
                check(((ArrayType) type).getElementType(), elementPath(path));
                return;
            case MULTISET:
                check(((MultisetType) type).getElementType(), keyPath(path));
                return;
            case MAP:
                check(((MapType) type).getKeyType(), keyPath(path));
                check(((MapType) type).getValueType(), valuePath(path));
                return;
            case ROW:
                RowType row = (RowType) type;
                if (row.getFieldCount() == 0) {
                    throw unsupported(path, declared, "A ROW needs at least one field.");
                }
                checkRowFields(row, path);
                return;
            case INTERVAL_YEAR_MONTH:
            case INTERVAL_DAY_TIME:
                throw unsupported(
                        path,
                        declared,
                        "Hotdata has no interval type; cast the column to BIGINT or STRING.");
            case TIMESTAMP_WITH_TIME_ZONE:
                throw unsupported(path, declared, "Use TIMESTAMP_LTZ for instants.");
            case STRUCTURED_TYPE:
                throw unsupported(path, declared, "Convert the structured type to a ROW.");
            default:
                // RAW, SYMBOL, NULL, VARIANT, BITMAP, DESCRIPTOR, UNRESOLVED and any future root
                throw unsupported(path, declared, null);
        }
    }

    private static ValidationException unsupported(String path, LogicalType type, String hint) {
        return new ValidationException(
                String.format(
                        "Column '%s' has type %s which Hotdata cannot store.%s Supported: %s.",
                        path, type.asSummaryString(), hint == null ? "" : " " + hint, SUPPORTED));
    }

    private static Type.Repetition repetition(LogicalType type) {
        return type.isNullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    }

    /** Converts a validated field. Keep in step with {@link RowDataWriteSupport}'s writers. */
    private static Type convert(String name, LogicalType declared, ParquetTimestampUnit unit) {
        LogicalType type = unwrap(declared);
        return convert(name, type, repetition(type), unit);
    }

    private static Type convert(
            String name, LogicalType type, Type.Repetition rep, ParquetTimestampUnit unit) {
        switch (type.getTypeRoot()) {
            case BOOLEAN:
                return Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(name);
            case TINYINT:
                return Types.primitive(PrimitiveTypeName.INT32, rep)
                        .as(LogicalTypeAnnotation.intType(8, true))
                        .named(name);
            case SMALLINT:
                return Types.primitive(PrimitiveTypeName.INT32, rep)
                        .as(LogicalTypeAnnotation.intType(16, true))
                        .named(name);
            case INTEGER:
                return Types.primitive(PrimitiveTypeName.INT32, rep).named(name);
            case BIGINT:
                return Types.primitive(PrimitiveTypeName.INT64, rep).named(name);
            case FLOAT:
                return Types.primitive(PrimitiveTypeName.FLOAT, rep).named(name);
            case DOUBLE:
                return Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(name);
            case CHAR:
            case VARCHAR:
                return Types.primitive(PrimitiveTypeName.BINARY, rep)
                        .as(LogicalTypeAnnotation.stringType())
                        .named(name);
            case BINARY:
            case VARBINARY:
                return Types.primitive(PrimitiveTypeName.BINARY, rep).named(name);
            case DECIMAL:
                {
                    DecimalType d = (DecimalType) type;
                    LogicalTypeAnnotation ann =
                            LogicalTypeAnnotation.decimalType(d.getScale(), d.getPrecision());
                    if (d.getPrecision() <= 9) {
                        return Types.primitive(PrimitiveTypeName.INT32, rep).as(ann).named(name);
                    } else if (d.getPrecision() <= 18) {
                        return Types.primitive(PrimitiveTypeName.INT64, rep).as(ann).named(name);
                    }
                    return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep)
                            .length(decimalBytes(d.getPrecision()))
                            .as(ann)
                            .named(name);
                }
            case DATE:
                return Types.primitive(PrimitiveTypeName.INT32, rep)
                        .as(LogicalTypeAnnotation.dateType())
                        .named(name);
            case TIME_WITHOUT_TIME_ZONE:
                return Types.primitive(PrimitiveTypeName.INT64, rep)
                        .as(
                                LogicalTypeAnnotation.timeType(
                                        false, LogicalTypeAnnotation.TimeUnit.MICROS))
                        .named(name);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return Types.primitive(PrimitiveTypeName.INT64, rep)
                        .as(LogicalTypeAnnotation.timestampType(false, unit.parquetUnit()))
                        .named(name);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return Types.primitive(PrimitiveTypeName.INT64, rep)
                        .as(LogicalTypeAnnotation.timestampType(true, unit.parquetUnit()))
                        .named(name);
            case ARRAY:
                {
                    Type element = convert(LIST_ELEMENT, ((ArrayType) type).getElementType(), unit);
                    return Types.buildGroup(rep)
                            .as(LogicalTypeAnnotation.listType())
                            .addField(Types.repeatedGroup().addField(element).named(LIST_REPEATED))
                            .named(name);
                }
            case MULTISET:
                {
                    Type key =
                            convert(
                                    MAP_KEY,
                                    unwrap(((MultisetType) type).getElementType()),
                                    Type.Repetition.REQUIRED,
                                    unit);
                    Type count = Types.required(PrimitiveTypeName.INT32).named(MAP_VALUE);
                    return mapGroup(name, rep, key, count);
                }
            case MAP:
                {
                    MapType m = (MapType) type;
                    Type key =
                            convert(
                                    MAP_KEY,
                                    unwrap(m.getKeyType()),
                                    Type.Repetition.REQUIRED,
                                    unit);
                    Type value = convert(MAP_VALUE, m.getValueType(), unit);
                    return mapGroup(name, rep, key, value);
                }
            case ROW:
                {
                    RowType row = (RowType) type;
                    Types.GroupBuilder<GroupType> g = Types.buildGroup(rep);
                    for (RowType.RowField f : row.getFields()) {
                        g.addField(convert(f.getName(), f.getType(), unit));
                    }
                    return g.named(name);
                }
            default:
                throw new IllegalStateException("not validated: " + type.asSummaryString());
        }
    }

    private static Type mapGroup(String name, Type.Repetition rep, Type key, Type value) {
        return Types.buildGroup(rep)
                .as(LogicalTypeAnnotation.mapType())
                .addField(Types.repeatedGroup().addField(key).addField(value).named(MAP_REPEATED))
                .named(name);
    }

    /**
     * Smallest two's-complement byte width that holds every unscaled value of {@code precision}.
     */
    static int decimalBytes(int precision) {
        // 10^p - 1 must fit in 8*n - 1 bits
        int n = 1;
        while (Math.pow(2.0, 8 * n - 1) < Math.pow(10.0, precision)) {
            n++;
        }
        return n;
    }
}
