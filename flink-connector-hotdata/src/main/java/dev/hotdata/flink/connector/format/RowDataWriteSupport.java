package dev.hotdata.flink.connector.format;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Collections;

/**
 * Writes Flink's internal {@link RowData} into Parquet records of the schema built by {@link
 * HotdataTypeSupport}. One tree of value writers is built per file from the logical type, so the
 * hot path is virtual calls on primitives: no boxing, strings handed to Parquet from Flink's own
 * buffer when it is a heap segment, and one reused buffer per wide-decimal column.
 *
 * <p>Values that cannot be written fail with an {@link IllegalArgumentException} naming the column:
 * a null in a NOT NULL column or in a map key, a decimal that does not fit its declared precision,
 * a timestamp outside the NANOS range. The record being written is then incomplete, so the file
 * must be discarded (see {@link HotdataParquetFileWriter}).
 */
final class RowDataWriteSupport extends WriteSupport<RowData> {

    private static final BigInteger[] POW10 = new BigInteger[39];

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = BigInteger.TEN.pow(i);
        }
    }

    private final RowType rowType;
    private final MessageType schema;
    private final ParquetTimestampUnit timestampUnit;

    private RecordConsumer consumer;
    private Fields root;

    RowDataWriteSupport(RowType rowType, MessageType schema, ParquetTimestampUnit timestampUnit) {
        this.rowType = rowType;
        this.schema = schema;
        this.timestampUnit = timestampUnit;
    }

    /** Not used: this class is only configured through {@link ParquetConfiguration}. */
    @Override
    public WriteContext init(Configuration configuration) {
        throw new UnsupportedOperationException("Hadoop configuration is not supported");
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, Collections.emptyMap());
    }

    @Override
    public String getName() {
        return "flink-connector-hotdata";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
        this.root = new Fields(rowType, "");
    }

    @Override
    public void write(RowData row) {
        consumer.startMessage();
        root.write(row);
        consumer.endMessage();
    }

    // ---------------------------------------------------------------------------------------------

    private static IllegalArgumentException nullIn(String path) {
        return new IllegalArgumentException(
                "Column '" + path + "' is NOT NULL but the row has a null value there");
    }

    private ValueWriter createWriter(LogicalType declared, String path) {
        LogicalType type = HotdataTypeSupport.unwrap(declared);
        switch (type.getTypeRoot()) {
            case BOOLEAN:
                return new BooleanWriter();
            case TINYINT:
                return new TinyIntWriter();
            case SMALLINT:
                return new SmallIntWriter();
            case INTEGER:
            case DATE:
                return new IntWriter();
            case BIGINT:
                return new BigIntWriter();
            case FLOAT:
                return new FloatWriter();
            case DOUBLE:
                return new DoubleWriter();
            case CHAR:
            case VARCHAR:
                return new StringWriter();
            case BINARY:
            case VARBINARY:
                return new BytesWriter();
            case DECIMAL:
                {
                    DecimalType d = (DecimalType) type;
                    if (d.getPrecision() <= 18) {
                        return new LongDecimalWriter(
                                d.getPrecision(), d.getScale(), d.getPrecision() <= 9, path);
                    }
                    return new FixedDecimalWriter(d.getPrecision(), d.getScale(), path);
                }
            case TIME_WITHOUT_TIME_ZONE:
                return new TimeWriter();
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return new TimestampWriter(((TimestampType) type).getPrecision(), path);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return new TimestampWriter(((LocalZonedTimestampType) type).getPrecision(), path);
            case ARRAY:
                return new ArrayWriter((ArrayType) type, path);
            case MULTISET:
                return new MapWriter(((MultisetType) type).getElementType(), null, path);
            case MAP:
                return new MapWriter(
                        ((MapType) type).getKeyType(), ((MapType) type).getValueType(), path);
            case ROW:
                return new RowWriter((RowType) type, path);
            default:
                // HotdataTypeSupport.validate ran before: this is a programming error
                throw new IllegalStateException("Unsupported type " + type.asSummaryString());
        }
    }

    /** Writes one non-null value, taken from a row field or an array element. */
    private interface ValueWriter {
        void write(RowData row, int pos);

        void write(ArrayData array, int pos);
    }

    /** The fields of a record or nested group. */
    private final class Fields {
        private final String[] names;
        private final String[] paths;
        private final boolean[] required;
        private final ValueWriter[] writers;

        Fields(RowType type, String path) {
            int n = type.getFieldCount();
            names = new String[n];
            paths = new String[n];
            required = new boolean[n];
            writers = new ValueWriter[n];
            for (int i = 0; i < n; i++) {
                RowType.RowField f = type.getFields().get(i);
                names[i] = f.getName();
                paths[i] = HotdataTypeSupport.childPath(path, f.getName());
                required[i] = !HotdataTypeSupport.unwrap(f.getType()).isNullable();
                writers[i] = createWriter(f.getType(), paths[i]);
            }
        }

        int size() {
            return names.length;
        }

        void write(RowData row) {
            for (int i = 0; i < names.length; i++) {
                if (row.isNullAt(i)) {
                    if (required[i]) {
                        throw nullIn(paths[i]);
                    }
                    continue; // an absent optional field is a null
                }
                consumer.startField(names[i], i);
                writers[i].write(row, i);
                consumer.endField(names[i], i);
            }
        }
    }

    private final class BooleanWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addBoolean(row.getBoolean(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addBoolean(array.getBoolean(pos));
        }
    }

    private final class TinyIntWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addInteger(row.getByte(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addInteger(array.getByte(pos));
        }
    }

    private final class SmallIntWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addInteger(row.getShort(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addInteger(array.getShort(pos));
        }
    }

    /** INT, and DATE (days since 1970-01-01 in both Flink and Parquet). */
    private final class IntWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addInteger(row.getInt(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addInteger(array.getInt(pos));
        }
    }

    private final class BigIntWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addLong(row.getLong(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addLong(array.getLong(pos));
        }
    }

    private final class FloatWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addFloat(row.getFloat(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addFloat(array.getFloat(pos));
        }
    }

    private final class DoubleWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addDouble(row.getDouble(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addDouble(array.getDouble(pos));
        }
    }

    /** TIME: Flink holds milliseconds of the day; written as microseconds. */
    private final class TimeWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addLong(row.getInt(pos) * 1000L);
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addLong(array.getInt(pos) * 1000L);
        }
    }

    private final class StringWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addBinary(toBinary(row.getString(pos)));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addBinary(toBinary(array.getString(pos)));
        }

        private Binary toBinary(StringData s) {
            if (s instanceof BinaryStringData) {
                BinaryStringData b = (BinaryStringData) s;
                b.ensureMaterialized();
                MemorySegment[] segments = b.getSegments();
                int offset = b.getOffset();
                int size = b.getSizeInBytes();
                if (segments.length > 0
                        && !segments[0].isOffHeap()
                        && offset + size <= segments[0].size()) {
                    // "reused": Parquet copies the bytes if it keeps them (dictionary, statistics)
                    return Binary.fromReusedByteArray(segments[0].getArray(), offset, size);
                }
            }
            return Binary.fromReusedByteArray(s.toBytes());
        }
    }

    private final class BytesWriter implements ValueWriter {
        @Override
        public void write(RowData row, int pos) {
            consumer.addBinary(Binary.fromReusedByteArray(row.getBinary(pos)));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addBinary(Binary.fromReusedByteArray(array.getBinary(pos)));
        }
    }

    /** Exact unscaled value at the declared scale, checked against the declared precision. */
    private static BigInteger unscaledExact(DecimalData d, int precision, int scale, String path) {
        BigDecimal value;
        try {
            value = d.toBigDecimal().setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "Column '"
                            + path
                            + "' is DECIMAL("
                            + precision
                            + ", "
                            + scale
                            + ") but the value "
                            + d
                            + " has more fractional digits",
                    e);
        }
        BigInteger unscaled = value.unscaledValue();
        if (unscaled.abs().compareTo(POW10[precision]) >= 0) {
            throw new IllegalArgumentException(
                    "Column '"
                            + path
                            + "' is DECIMAL("
                            + precision
                            + ", "
                            + scale
                            + ") but the value "
                            + d
                            + " does not fit");
        }
        return unscaled;
    }

    /** DECIMAL with precision up to 18, as INT32 or INT64 holding the unscaled value. */
    private final class LongDecimalWriter implements ValueWriter {
        private final int precision;
        private final int scale;
        private final boolean int32;
        private final String path;

        LongDecimalWriter(int precision, int scale, boolean int32, String path) {
            this.precision = precision;
            this.scale = scale;
            this.int32 = int32;
            this.path = path;
        }

        @Override
        public void write(RowData row, int pos) {
            add(row.getDecimal(pos, precision, scale));
        }

        @Override
        public void write(ArrayData array, int pos) {
            add(array.getDecimal(pos, precision, scale));
        }

        private void add(DecimalData d) {
            long unscaled;
            if (d.isCompact() && d.scale() == scale && d.precision() <= precision) {
                unscaled = d.toUnscaledLong(); // the common case: no BigDecimal
            } else {
                unscaled = unscaledExact(d, precision, scale, path).longValueExact();
            }
            if (int32) {
                consumer.addInteger((int) unscaled);
            } else {
                consumer.addLong(unscaled);
            }
        }
    }

    /** DECIMAL with precision above 18, as big-endian two's complement of fixed width. */
    private final class FixedDecimalWriter implements ValueWriter {
        private final int precision;
        private final int scale;
        private final String path;
        private final byte[] buffer;

        FixedDecimalWriter(int precision, int scale, String path) {
            this.precision = precision;
            this.scale = scale;
            this.path = path;
            this.buffer = new byte[HotdataTypeSupport.decimalBytes(precision)];
        }

        @Override
        public void write(RowData row, int pos) {
            add(row.getDecimal(pos, precision, scale));
        }

        @Override
        public void write(ArrayData array, int pos) {
            add(array.getDecimal(pos, precision, scale));
        }

        private void add(DecimalData d) {
            byte[] bytes;
            if (d.scale() == scale && d.precision() <= precision) {
                bytes = d.toUnscaledBytes();
            } else {
                bytes = unscaledExact(d, precision, scale, path).toByteArray();
            }
            int pad = buffer.length - bytes.length;
            if (pad < 0) {
                throw new IllegalArgumentException(
                        "Column '" + path + "': decimal " + d + " does not fit its precision");
            }
            Arrays.fill(buffer, 0, pad, bytes[0] < 0 ? (byte) -1 : (byte) 0);
            System.arraycopy(bytes, 0, buffer, pad, bytes.length);
            consumer.addBinary(Binary.fromReusedByteArray(buffer));
        }
    }

    /**
     * TIMESTAMP and TIMESTAMP_LTZ: both hold epoch-based millis + nanos in {@link TimestampData}.
     */
    private final class TimestampWriter implements ValueWriter {
        private final int precision;
        private final String path;

        TimestampWriter(int precision, String path) {
            this.precision = precision;
            this.path = path;
        }

        @Override
        public void write(RowData row, int pos) {
            consumer.addLong(convert(row.getTimestamp(pos, precision)));
        }

        @Override
        public void write(ArrayData array, int pos) {
            consumer.addLong(convert(array.getTimestamp(pos, precision)));
        }

        private long convert(TimestampData ts) {
            long millis = ts.getMillisecond();
            int nanoOfMilli = ts.getNanoOfMillisecond(); // 0..999_999, so floor arithmetic holds
            switch (timestampUnit) {
                case MILLIS:
                    return millis;
                case MICROS:
                    return millis * 1000L + nanoOfMilli / 1000;
                default:
                    try {
                        return Math.addExact(Math.multiplyExact(millis, 1_000_000L), nanoOfMilli);
                    } catch (ArithmeticException e) {
                        throw new IllegalArgumentException(
                                "Column '"
                                        + path
                                        + "': timestamp "
                                        + ts
                                        + " is outside the range of NANOS timestamps"
                                        + " (1677-09-21 to 2262-04-11); use MICROS",
                                e);
                    }
            }
        }
    }

    /** 3-level LIST: {@code group (LIST) { repeated group list { element } }}. */
    private final class ArrayWriter implements ValueWriter {
        private final ValueWriter element;
        private final boolean elementRequired;
        private final String elementPath;

        ArrayWriter(ArrayType type, String path) {
            this.elementPath = HotdataTypeSupport.elementPath(path);
            this.element = createWriter(type.getElementType(), elementPath);
            this.elementRequired = !HotdataTypeSupport.unwrap(type.getElementType()).isNullable();
        }

        @Override
        public void write(RowData row, int pos) {
            writeArray(row.getArray(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            writeArray(array.getArray(pos));
        }

        private void writeArray(ArrayData a) {
            consumer.startGroup();
            int n = a.size();
            if (n > 0) {
                consumer.startField(HotdataTypeSupport.LIST_REPEATED, 0);
                for (int i = 0; i < n; i++) {
                    consumer.startGroup();
                    if (!a.isNullAt(i)) {
                        consumer.startField(HotdataTypeSupport.LIST_ELEMENT, 0);
                        element.write(a, i);
                        consumer.endField(HotdataTypeSupport.LIST_ELEMENT, 0);
                    } else if (elementRequired) {
                        throw nullIn(elementPath);
                    }
                    consumer.endGroup();
                }
                consumer.endField(HotdataTypeSupport.LIST_REPEATED, 0);
            }
            consumer.endGroup();
        }
    }

    /**
     * MAP: {@code group (MAP) { repeated group key_value { required key; value } }}. A MULTISET is
     * the same with the element as key and its INT count as required value ({@code valueType ==
     * null}).
     */
    private final class MapWriter implements ValueWriter {
        private final ValueWriter key;
        private final ValueWriter value;
        private final boolean valueRequired;
        private final String keyPath;
        private final String valuePath;

        MapWriter(LogicalType keyType, LogicalType valueType, String path) {
            this.keyPath = HotdataTypeSupport.keyPath(path);
            this.valuePath = HotdataTypeSupport.valuePath(path);
            this.key = createWriter(keyType, keyPath);
            if (valueType == null) {
                this.value = new IntWriter();
                this.valueRequired = true;
            } else {
                this.value = createWriter(valueType, valuePath);
                this.valueRequired = !HotdataTypeSupport.unwrap(valueType).isNullable();
            }
        }

        @Override
        public void write(RowData row, int pos) {
            writeMap(row.getMap(pos));
        }

        @Override
        public void write(ArrayData array, int pos) {
            writeMap(array.getMap(pos));
        }

        private void writeMap(MapData m) {
            consumer.startGroup();
            int n = m.size();
            if (n > 0) {
                ArrayData keys = m.keyArray();
                ArrayData values = m.valueArray();
                consumer.startField(HotdataTypeSupport.MAP_REPEATED, 0);
                for (int i = 0; i < n; i++) {
                    if (keys.isNullAt(i)) {
                        throw new IllegalArgumentException(
                                "Column '"
                                        + keyPath
                                        + "' has a null map key; Parquet map keys cannot be null");
                    }
                    consumer.startGroup();
                    consumer.startField(HotdataTypeSupport.MAP_KEY, 0);
                    key.write(keys, i);
                    consumer.endField(HotdataTypeSupport.MAP_KEY, 0);
                    if (!values.isNullAt(i)) {
                        consumer.startField(HotdataTypeSupport.MAP_VALUE, 1);
                        value.write(values, i);
                        consumer.endField(HotdataTypeSupport.MAP_VALUE, 1);
                    } else if (valueRequired) {
                        throw nullIn(valuePath);
                    }
                    consumer.endGroup();
                }
                consumer.endField(HotdataTypeSupport.MAP_REPEATED, 0);
            }
            consumer.endGroup();
        }
    }

    /** Nested ROW as a group. */
    private final class RowWriter implements ValueWriter {
        private final Fields fields;

        RowWriter(RowType type, String path) {
            this.fields = new Fields(type, path);
        }

        @Override
        public void write(RowData row, int pos) {
            writeRow(row.getRow(pos, fields.size()));
        }

        @Override
        public void write(ArrayData array, int pos) {
            writeRow(array.getRow(pos, fields.size()));
        }

        private void writeRow(RowData nested) {
            consumer.startGroup();
            fields.write(nested);
            consumer.endGroup();
        }
    }
}
