package dev.hotdata.flink.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a row of a Hotdata query result (JSON values: numbers, booleans, and strings for decimals,
 * dates, times, timestamps, base64 binary; arrays and objects for nested values) into Flink's
 * internal {@link RowData}.
 */
@Internal
public final class HotdataJsonRowConverter implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RowType rowType;

    public HotdataJsonRowConverter(RowType rowType) {
        this.rowType = rowType;
    }

    /** One result row, its values in the row type's column order. */
    public RowData convert(List<Object> values) {
        GenericRowData row = new GenericRowData(rowType.getFieldCount());
        for (int i = 0; i < rowType.getFieldCount(); i++) {
            Object value = i < values.size() ? values.get(i) : null;
            row.setField(i, value == null ? null : convert(rowType.getTypeAt(i), value));
        }
        return row;
    }

    private static Object convert(LogicalType type, Object value) {
        String text = value instanceof String ? (String) value : null;
        switch (type.getTypeRoot()) {
            case BOOLEAN:
                return value instanceof Boolean
                        ? value
                        : Boolean.parseBoolean(String.valueOf(value));
            case TINYINT:
                return number(value).byteValue();
            case SMALLINT:
                return number(value).shortValue();
            case INTEGER:
                return number(value).intValue();
            case BIGINT:
                return number(value).longValue();
            case FLOAT:
                return number(value).floatValue();
            case DOUBLE:
                return number(value).doubleValue();
            case DECIMAL:
                DecimalType decimal = (DecimalType) type;
                return DecimalData.fromBigDecimal(
                        new BigDecimal(String.valueOf(value)),
                        decimal.getPrecision(),
                        decimal.getScale());
            case CHAR:
            case VARCHAR:
                return StringData.fromString(text != null ? text : json(value));
            case BINARY:
            case VARBINARY:
                return Base64.getDecoder().decode(String.valueOf(value));
            case DATE:
                return (int) LocalDate.parse(String.valueOf(value)).toEpochDay();
            case TIME_WITHOUT_TIME_ZONE:
                return (int) (LocalTime.parse(String.valueOf(value)).toNanoOfDay() / 1_000_000);
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return TimestampData.fromLocalDateTime(
                        LocalDateTime.parse(String.valueOf(value).replace(' ', 'T')));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return TimestampData.fromInstant(instant(String.valueOf(value)));
            case ARRAY:
                return array(((ArrayType) type).getElementType(), value);
            case MULTISET:
                // written as MAP<T, INT>: element to its count
                return map(((MultisetType) type).getElementType(), new IntType(), value);
            case MAP:
                MapType map = (MapType) type;
                return map(map.getKeyType(), map.getValueType(), value);
            case ROW:
                return row((RowType) type, value);
            default:
                throw new IllegalArgumentException("Unsupported Flink type for reading: " + type);
        }
    }

    private static Object nullable(LogicalType type, Object value) {
        return value == null ? null : convert(type, value);
    }

    /** An ARRAY from a JSON array. */
    private static ArrayData array(LogicalType elementType, Object value) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException("expected a JSON array for " + elementType + "[]");
        }
        List<?> list = (List<?>) value;
        Object[] out = new Object[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nullable(elementType, list.get(i));
        }
        return new GenericArrayData(out);
    }

    /** A MAP from a JSON object (keys are text) or a JSON array of {key, value} objects. */
    private static MapData map(LogicalType keyType, LogicalType valueType, Object value) {
        Map<Object, Object> out = new HashMap<>();
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                out.put(nullable(keyType, e.getKey()), nullable(valueType, e.getValue()));
            }
        } else if (value instanceof List) {
            for (Object entry : (List<?>) value) {
                if (!(entry instanceof Map)) {
                    throw new IllegalArgumentException("expected map entries as JSON objects");
                }
                Map<?, ?> kv = (Map<?, ?>) entry;
                out.put(nullable(keyType, kv.get("key")), nullable(valueType, kv.get("value")));
            }
        } else {
            throw new IllegalArgumentException("expected a JSON object for a MAP");
        }
        return new GenericMapData(out);
    }

    /** A ROW from a JSON object (fields by name, exact or ignoring case) or array (by position). */
    private static RowData row(RowType type, Object value) {
        int n = type.getFieldCount();
        GenericRowData row = new GenericRowData(n);
        if (value instanceof Map) {
            Map<?, ?> fields = (Map<?, ?>) value;
            for (int i = 0; i < n; i++) {
                String name = type.getFieldNames().get(i);
                Object field = fields.get(name);
                if (field == null && !fields.containsKey(name)) {
                    for (Map.Entry<?, ?> e : fields.entrySet()) {
                        if (name.equalsIgnoreCase(String.valueOf(e.getKey()))) {
                            field = e.getValue();
                            break;
                        }
                    }
                }
                row.setField(i, nullable(type.getTypeAt(i), field));
            }
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            for (int i = 0; i < n && i < list.size(); i++) {
                row.setField(i, nullable(type.getTypeAt(i), list.get(i)));
            }
        } else {
            throw new IllegalArgumentException("expected a JSON object for a ROW");
        }
        return row;
    }

    private static Number number(Object value) {
        if (value instanceof Number) {
            return (Number) value;
        }
        return new BigDecimal(String.valueOf(value));
    }

    private static Instant instant(String text) {
        String t = text.replace(' ', 'T');
        if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d(:?\\d\\d)?$")) {
            return OffsetDateTime.parse(t.endsWith("+00") ? t + ":00" : t).toInstant();
        }
        return LocalDateTime.parse(t).toInstant(java.time.ZoneOffset.UTC);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
