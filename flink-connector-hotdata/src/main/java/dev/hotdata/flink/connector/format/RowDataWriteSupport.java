package dev.hotdata.flink.connector.format;

import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;

import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.util.Collections;
import java.util.List;

/**
 * Writes Flink's internal {@link RowData} straight into Parquet's record consumer, one writer per
 * column built once from the row type, so a row costs no boxing or per-row lookups.
 */
final class RowDataWriteSupport extends WriteSupport<RowData> {

    private final RowType rowType;
    private final MessageType schema;
    private final FieldWriter[] writers;
    private final boolean[] required;
    private final Getters top = new Getters();
    private RecordConsumer consumer;

    RowDataWriteSupport(RowType rowType) {
        this.rowType = rowType;
        this.schema = HotdataTypeSupport.toParquetSchema(rowType);
        List<RowType.RowField> fields = rowType.getFields();
        this.writers = new FieldWriter[fields.size()];
        this.required = new boolean[fields.size()];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = writer(fields.get(i).getName(), fields.get(i).getType());
            required[i] = !fields.get(i).getType().isNullable();
        }
    }

    MessageType schema() {
        return schema;
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, Collections.emptyMap());
    }

    /** Never called: the writer is always built with a ParquetConfiguration, not Hadoop's. */
    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return new WriteContext(schema, Collections.emptyMap());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(RowData row) {
        consumer.startMessage();
        writeFields(top.reset(row), writers, required, rowType);
        consumer.endMessage();
    }

    private void writeFields(
            Getters row, FieldWriter[] fieldWriters, boolean[] notNull, RowType type) {
        for (int i = 0; i < fieldWriters.length; i++) {
            if (row.isNullAt(i)) {
                if (notNull[i]) {
                    throw new IllegalArgumentException(
                            "Column '"
                                    + type.getFieldNames().get(i)
                                    + "' is NOT NULL, but a row has NULL in it.");
                }
                continue;
            }
            String name = type.getFieldNames().get(i);
            consumer.startField(name, i);
            fieldWriters[i].write(row, i);
            consumer.endField(name, i);
        }
    }

    /** Writes the non-null value at a position of a row or an array. */
    private interface FieldWriter {
        void write(Getters data, int pos);
    }

    private FieldWriter writer(String column, LogicalType type) {
        switch (type.getTypeRoot()) {
            case BOOLEAN:
                return (data, pos) -> consumer.addBoolean(data.getBoolean(pos));
            case TINYINT:
                return (data, pos) -> consumer.addInteger(data.getByte(pos));
            case SMALLINT:
                return (data, pos) -> consumer.addInteger(data.getShort(pos));
            case INTEGER:
            case DATE:
                return (data, pos) -> consumer.addInteger(data.getInt(pos));
            case BIGINT:
                return (data, pos) -> consumer.addLong(data.getLong(pos));
            case FLOAT:
                return (data, pos) -> consumer.addFloat(data.getFloat(pos));
            case DOUBLE:
                return (data, pos) -> consumer.addDouble(data.getDouble(pos));
            case CHAR:
            case VARCHAR:
                return (data, pos) ->
                        consumer.addBinary(
                                Binary.fromConstantByteArray(data.getString(pos).toBytes()));
            case BINARY:
            case VARBINARY:
                return (data, pos) ->
                        consumer.addBinary(Binary.fromConstantByteArray(data.getBinary(pos)));
            case TIME_WITHOUT_TIME_ZONE:
                // Flink holds TIME as milliseconds of the day
                return (data, pos) -> consumer.addLong(data.getInt(pos) * 1000L);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return timestampWriter(column, ((TimestampType) type).getPrecision());
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return timestampWriter(column, ((LocalZonedTimestampType) type).getPrecision());
            case DECIMAL:
                return decimalWriter((DecimalType) type);
            case ARRAY:
                return listWriter(column, ((ArrayType) type).getElementType());
            case MULTISET:
                return mapWriter(
                        column, ((MultisetType) type).getElementType(), new IntType(false));
            case MAP:
                return mapWriter(
                        column, ((MapType) type).getKeyType(), ((MapType) type).getValueType());
            case ROW:
                return rowWriter(column, (RowType) type);
            default:
                throw new IllegalArgumentException(
                        "Column '" + column + "' has unsupported type " + type);
        }
    }

    private FieldWriter timestampWriter(String column, int precision) {
        boolean nanos =
                HotdataTypeSupport.timestampUnit(precision)
                        == org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.NANOS;
        return (data, pos) -> {
            TimestampData ts = data.getTimestamp(pos, precision);
            long value;
            try {
                value =
                        nanos
                                ? Math.addExact(
                                        Math.multiplyExact(ts.getMillisecond(), 1_000_000L),
                                        ts.getNanoOfMillisecond())
                                : Math.addExact(
                                        Math.multiplyExact(ts.getMillisecond(), 1_000L),
                                        ts.getNanoOfMillisecond() / 1_000);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "Column '"
                                + column
                                + "' holds timestamp "
                                + ts
                                + ", outside the range of a Parquet "
                                + (nanos ? "nanosecond" : "microsecond")
                                + " timestamp.",
                        e);
            }
            consumer.addLong(value);
        };
    }

    private FieldWriter decimalWriter(DecimalType type) {
        int precision = type.getPrecision();
        int scale = type.getScale();
        if (precision <= 9) {
            return (data, pos) ->
                    consumer.addInteger(
                            (int) data.getDecimal(pos, precision, scale).toUnscaledLong());
        }
        if (precision <= 18) {
            return (data, pos) ->
                    consumer.addLong(data.getDecimal(pos, precision, scale).toUnscaledLong());
        }
        int length = HotdataTypeSupport.decimalBytes(precision);
        return (data, pos) -> {
            DecimalData decimal = data.getDecimal(pos, precision, scale);
            byte[] unscaled = decimal.toUnscaledBytes();
            byte[] fixed = new byte[length];
            // sign-extend the minimal two's complement bytes to the fixed width
            byte pad = unscaled.length > 0 && unscaled[0] < 0 ? (byte) -1 : 0;
            int offset = length - unscaled.length;
            for (int i = 0; i < offset; i++) {
                fixed[i] = pad;
            }
            System.arraycopy(unscaled, 0, fixed, offset, unscaled.length);
            consumer.addBinary(Binary.fromConstantByteArray(fixed));
        };
    }

    private FieldWriter listWriter(String column, LogicalType elementType) {
        FieldWriter element = writer(column + "[]", elementType);
        Getters elementGetters = new Getters();
        boolean elementNotNull = !elementType.isNullable();
        return (data, pos) -> {
            ArrayData array = data.getArray(pos);
            Getters elements = elementGetters.reset(array);
            consumer.startGroup();
            if (array.size() > 0) {
                consumer.startField("list", 0);
                for (int i = 0; i < array.size(); i++) {
                    consumer.startGroup();
                    if (!array.isNullAt(i)) {
                        consumer.startField("element", 0);
                        element.write(elements, i);
                        consumer.endField("element", 0);
                    } else if (elementNotNull) {
                        throw new IllegalArgumentException(
                                "Column '" + column + "' has a NULL element in a NOT NULL array.");
                    }
                    consumer.endGroup();
                }
                consumer.endField("list", 0);
            }
            consumer.endGroup();
        };
    }

    private FieldWriter mapWriter(String column, LogicalType keyType, LogicalType valueType) {
        FieldWriter key = writer(column + ".key", keyType);
        FieldWriter value = writer(column + ".value", valueType);
        Getters keyHolder = new Getters();
        Getters valueHolder = new Getters();
        return (data, pos) -> {
            MapData map = data.getMap(pos);
            ArrayData keys = map.keyArray();
            ArrayData values = map.valueArray();
            Getters keyGetters = keyHolder.reset(keys);
            Getters valueGetters = valueHolder.reset(values);
            consumer.startGroup();
            if (map.size() > 0) {
                consumer.startField("key_value", 0);
                for (int i = 0; i < map.size(); i++) {
                    if (keys.isNullAt(i)) {
                        throw new IllegalArgumentException(
                                "Column '"
                                        + column
                                        + "' has a NULL map key; Parquet map keys cannot be NULL.");
                    }
                    consumer.startGroup();
                    consumer.startField("key", 0);
                    key.write(keyGetters, i);
                    consumer.endField("key", 0);
                    if (!values.isNullAt(i)) {
                        consumer.startField("value", 1);
                        value.write(valueGetters, i);
                        consumer.endField("value", 1);
                    }
                    consumer.endGroup();
                }
                consumer.endField("key_value", 0);
            }
            consumer.endGroup();
        };
    }

    private FieldWriter rowWriter(String column, RowType type) {
        List<RowType.RowField> fields = type.getFields();
        FieldWriter[] fieldWriters = new FieldWriter[fields.size()];
        boolean[] notNull = new boolean[fields.size()];
        for (int i = 0; i < fieldWriters.length; i++) {
            fieldWriters[i] =
                    writer(column + "." + fields.get(i).getName(), fields.get(i).getType());
            notNull[i] = !fields.get(i).getType().isNullable();
        }
        int arity = fields.size();
        Getters nestedGetters = new Getters();
        return (data, pos) -> {
            Getters nested = nestedGetters.reset(data.getRow(pos, arity));
            consumer.startGroup();
            writeFields(nested, fieldWriters, notNull, type);
            consumer.endGroup();
        };
    }

    /**
     * Uniform typed access to a position of a row or of an array, which share no interface in
     * Flink. Mutable and reused per nesting level, so writing allocates no wrappers.
     */
    private static final class Getters {
        private RowData row;
        private ArrayData array;

        Getters reset(RowData row) {
            this.row = row;
            this.array = null;
            return this;
        }

        Getters reset(ArrayData array) {
            this.row = null;
            this.array = array;
            return this;
        }

        boolean isNullAt(int pos) {
            return row != null ? row.isNullAt(pos) : array.isNullAt(pos);
        }

        boolean getBoolean(int pos) {
            return row != null ? row.getBoolean(pos) : array.getBoolean(pos);
        }

        byte getByte(int pos) {
            return row != null ? row.getByte(pos) : array.getByte(pos);
        }

        short getShort(int pos) {
            return row != null ? row.getShort(pos) : array.getShort(pos);
        }

        int getInt(int pos) {
            return row != null ? row.getInt(pos) : array.getInt(pos);
        }

        long getLong(int pos) {
            return row != null ? row.getLong(pos) : array.getLong(pos);
        }

        float getFloat(int pos) {
            return row != null ? row.getFloat(pos) : array.getFloat(pos);
        }

        double getDouble(int pos) {
            return row != null ? row.getDouble(pos) : array.getDouble(pos);
        }

        org.apache.flink.table.data.StringData getString(int pos) {
            return row != null ? row.getString(pos) : array.getString(pos);
        }

        byte[] getBinary(int pos) {
            return row != null ? row.getBinary(pos) : array.getBinary(pos);
        }

        DecimalData getDecimal(int pos, int precision, int scale) {
            return row != null
                    ? row.getDecimal(pos, precision, scale)
                    : array.getDecimal(pos, precision, scale);
        }

        TimestampData getTimestamp(int pos, int precision) {
            return row != null
                    ? row.getTimestamp(pos, precision)
                    : array.getTimestamp(pos, precision);
        }

        ArrayData getArray(int pos) {
            return row != null ? row.getArray(pos) : array.getArray(pos);
        }

        MapData getMap(int pos) {
            return row != null ? row.getMap(pos) : array.getMap(pos);
        }

        RowData getRow(int pos, int arity) {
            return row != null ? row.getRow(pos, arity) : array.getRow(pos, arity);
        }
    }
}
