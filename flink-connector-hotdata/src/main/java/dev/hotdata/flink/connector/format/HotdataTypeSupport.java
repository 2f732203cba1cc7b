package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.util.ArrayList;
import java.util.List;

/**
 * Which Flink types the sink can store in Hotdata, and the Parquet schema it writes for them.
 *
 * <table>
 *   <tr><th>Flink</th><th>Parquet</th></tr>
 *   <tr><td>BOOLEAN, INT, BIGINT, FLOAT, DOUBLE</td><td>BOOLEAN, INT32, INT64, FLOAT, DOUBLE</td></tr>
 *   <tr><td>TINYINT, SMALLINT</td><td>INT32 annotated INT(8/16, signed)</td></tr>
 *   <tr><td>CHAR, VARCHAR</td><td>BINARY (STRING)</td></tr>
 *   <tr><td>BINARY, VARBINARY</td><td>BINARY</td></tr>
 *   <tr><td>DECIMAL(p, s), p &le; 38</td><td>DECIMAL on INT32 (p &le; 9), INT64 (p &le; 18),
 *       else FIXED_LEN_BYTE_ARRAY</td></tr>
 *   <tr><td>DATE</td><td>INT32 (DATE)</td></tr>
 *   <tr><td>TIME(p)</td><td>INT64 TIME(MICROS, not UTC-adjusted)</td></tr>
 *   <tr><td>TIMESTAMP(p)</td><td>INT64 TIMESTAMP(MICROS, or NANOS for p &gt; 6,
 *       isAdjustedToUTC=false)</td></tr>
 *   <tr><td>TIMESTAMP_LTZ(p)</td><td>INT64 TIMESTAMP(MICROS, or NANOS for p &gt; 6,
 *       isAdjustedToUTC=true): an instant, read back as a time-zone-aware timestamp</td></tr>
 *   <tr><td>ARRAY&lt;T&gt;</td><td>LIST (three-level)</td></tr>
 *   <tr><td>MAP&lt;K, V&gt;</td><td>MAP (keys required)</td></tr>
 *   <tr><td>MULTISET&lt;T&gt;</td><td>MAP&lt;T, INT32&gt; (element to count)</td></tr>
 *   <tr><td>ROW</td><td>GROUP</td></tr>
 * </table>
 *
 * <p>Everything else (INTERVAL, RAW, structured and distinct types, VARIANT, TIMESTAMP WITH TIME
 * ZONE, SYMBOL, NULL) is rejected by {@link #validate} with the column's name and type.
 */
@Internal
public final class HotdataTypeSupport {

    private static final String SUPPORTED =
            "Supported: BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p <= 38),"
                    + " CHAR, VARCHAR, BINARY, VARBINARY, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ,"
                    + " ARRAY, MAP, MULTISET and ROW of these.";

    /** Flink's largest DECIMAL precision, and Hotdata's. */
    static final int MAX_DECIMAL_PRECISION = 38;

    private HotdataTypeSupport() {}

    /**
     * Checks every column, nested ones included.
     *
     * @throws ValidationException naming the first unsupported column (as a dotted path) and type
     */
    public static void validate(RowType rowType) {
        for (RowType.RowField field : rowType.getFields()) {
            validate(field.getName(), field.getType());
        }
    }

    private static void validate(String path, LogicalType type) {
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
                if (((DecimalType) type).getPrecision() > MAX_DECIMAL_PRECISION) {
                    throw unsupported(path, type);
                }
                return;
            case ARRAY:
                validate(path + "[]", ((ArrayType) type).getElementType());
                return;
            case MULTISET:
                validate(path + "[]", ((MultisetType) type).getElementType());
                return;
            case MAP:
                validate(path + ".key", ((MapType) type).getKeyType());
                validate(path + ".value", ((MapType) type).getValueType());
                return;
            case ROW:
                for (RowType.RowField field : ((RowType) type).getFields()) {
                    validate(path + "." + field.getName(), field.getType());
                }
                return;
            default:
                throw unsupported(path, type);
        }
    }

    private static ValidationException unsupported(String path, LogicalType type) {
        return new ValidationException(
                "Column '"
                        + path
                        + "' has type "
                        + type.asSummaryString()
                        + ", which the Hotdata sink cannot store. "
                        + SUPPORTED);
    }

    /** The Parquet schema the sink writes for rows of this type (validated first). */
    public static MessageType toParquetSchema(RowType rowType) {
        validate(rowType);
        List<Type> fields = new ArrayList<>();
        for (RowType.RowField field : rowType.getFields()) {
            fields.add(toParquetType(field.getName(), field.getType()));
        }
        return new MessageType("hotdata_schema", fields);
    }

    static Type toParquetType(String name, LogicalType type) {
        Type.Repetition repetition =
                type.isNullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        switch (type.getTypeRoot()) {
            case BOOLEAN:
                return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case TINYINT:
                return Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.intType(8, true))
                        .named(name);
            case SMALLINT:
                return Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.intType(16, true))
                        .named(name);
            case INTEGER:
                return Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
            case BIGINT:
                return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
            case FLOAT:
                return Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
            case DOUBLE:
                return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case CHAR:
            case VARCHAR:
                return Types.primitive(PrimitiveTypeName.BINARY, repetition)
                        .as(LogicalTypeAnnotation.stringType())
                        .named(name);
            case BINARY:
            case VARBINARY:
                return Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case DECIMAL:
                return decimal(name, (DecimalType) type, repetition);
            case DATE:
                return Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.dateType())
                        .named(name);
            case TIME_WITHOUT_TIME_ZONE:
                return Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS))
                        .named(name);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(
                                LogicalTypeAnnotation.timestampType(
                                        false,
                                        timestampUnit(((TimestampType) type).getPrecision())))
                        .named(name);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(
                                LogicalTypeAnnotation.timestampType(
                                        true,
                                        timestampUnit(
                                                ((LocalZonedTimestampType) type).getPrecision())))
                        .named(name);
            case ARRAY:
                return Types.list(repetition)
                        .element(toParquetType("element", ((ArrayType) type).getElementType()))
                        .named(name);
            case MULTISET:
                return Types.map(repetition)
                        .key(keyType(((MultisetType) type).getElementType()))
                        .value(toParquetType("value", new IntType(false)))
                        .named(name);
            case MAP:
                return Types.map(repetition)
                        .key(keyType(((MapType) type).getKeyType()))
                        .value(toParquetType("value", ((MapType) type).getValueType()))
                        .named(name);
            case ROW:
                {
                    Types.GroupBuilder<org.apache.parquet.schema.GroupType> group =
                            Types.buildGroup(repetition);
                    for (RowType.RowField field : ((RowType) type).getFields()) {
                        group.addField(toParquetType(field.getName(), field.getType()));
                    }
                    return group.named(name);
                }
            default:
                throw unsupported(name, type);
        }
    }

    /** Map keys are required in Parquet; a NULL key is refused when it is written. */
    private static Type keyType(LogicalType keyType) {
        return toParquetType("key", keyType.copy(false));
    }

    static TimeUnit timestampUnit(int precision) {
        return precision > 6 ? TimeUnit.NANOS : TimeUnit.MICROS;
    }

    private static Type decimal(String name, DecimalType type, Type.Repetition repetition) {
        int precision = type.getPrecision();
        LogicalTypeAnnotation annotation =
                LogicalTypeAnnotation.decimalType(type.getScale(), precision);
        if (precision <= 9) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(annotation).named(name);
        }
        if (precision <= 18) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(annotation).named(name);
        }
        return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                .length(decimalBytes(precision))
                .as(annotation)
                .named(name);
    }

    /** The fewest bytes whose two's complement holds every unscaled value of the precision. */
    static int decimalBytes(int precision) {
        int bytes = 1;
        while (Math.pow(2.0, 8 * bytes - 1) < Math.pow(10.0, precision)) {
            bytes++;
        }
        return bytes;
    }
}
