package dev.hotdata.flink.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.DataType;

/**
 * Flink types for Hotdata's column types, which Hotdata reports as Arrow {@code DataType} display
 * strings ({@code Int64}, {@code Decimal128(12, 2)}, {@code Timestamp(Microsecond, Some("UTC"))},
 * {@code List(Int32)}, {@code Struct("a": Int32)}). Nested types become ARRAY, MAP and ROW; types
 * Flink has no counterpart for are read as STRING, holding the value's JSON text. The mapping is
 * {@link HotdataArrowTypes}'s.
 */
@Internal
public final class HotdataTypeMapping {

    private HotdataTypeMapping() {}

    /** The Flink type of a column of this Arrow type (nullable). */
    public static DataType toFlink(String arrowType) {
        return HotdataArrowTypes.toFlinkType(arrowType, true);
    }
}
