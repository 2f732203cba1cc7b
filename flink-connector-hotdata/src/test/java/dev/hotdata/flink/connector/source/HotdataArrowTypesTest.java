package dev.hotdata.flink.connector.source;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HotdataArrowTypesTest {

    private static DataType type(String arrow) {
        return HotdataArrowTypes.toFlinkType(arrow, true);
    }

    @Test
    void scalarsMapToTheirFlinkTypes() {
        assertThat(type("Boolean")).isEqualTo(DataTypes.BOOLEAN());
        assertThat(type("Int8")).isEqualTo(DataTypes.TINYINT());
        assertThat(type("Int16")).isEqualTo(DataTypes.SMALLINT());
        assertThat(type("Int32")).isEqualTo(DataTypes.INT());
        assertThat(type("Int64")).isEqualTo(DataTypes.BIGINT());
        assertThat(type("UInt8")).isEqualTo(DataTypes.SMALLINT());
        assertThat(type("UInt16")).isEqualTo(DataTypes.INT());
        assertThat(type("UInt32")).isEqualTo(DataTypes.BIGINT());
        assertThat(type("UInt64")).isEqualTo(DataTypes.DECIMAL(20, 0));
        assertThat(type("Float16")).isEqualTo(DataTypes.FLOAT());
        assertThat(type("Float32")).isEqualTo(DataTypes.FLOAT());
        assertThat(type("Float64")).isEqualTo(DataTypes.DOUBLE());
        assertThat(type("Decimal128(10, 2)")).isEqualTo(DataTypes.DECIMAL(10, 2));
        assertThat(type("Decimal128(38,0)")).isEqualTo(DataTypes.DECIMAL(38, 0));
        assertThat(type("Decimal256(38, 9)")).isEqualTo(DataTypes.DECIMAL(38, 9));
        assertThat(type("Utf8")).isEqualTo(DataTypes.STRING());
        assertThat(type("LargeUtf8")).isEqualTo(DataTypes.STRING());
        assertThat(type("Utf8View")).isEqualTo(DataTypes.STRING());
        assertThat(type("Binary")).isEqualTo(DataTypes.BYTES());
        assertThat(type("LargeBinary")).isEqualTo(DataTypes.BYTES());
        assertThat(type("FixedSizeBinary(16)")).isEqualTo(DataTypes.BINARY(16));
        assertThat(type("Date32")).isEqualTo(DataTypes.DATE());
        assertThat(type("Date64")).isEqualTo(DataTypes.DATE());
        assertThat(type("Time32(Second)")).isEqualTo(DataTypes.TIME(0));
        assertThat(type("Time32(Millisecond)")).isEqualTo(DataTypes.TIME(3));
        assertThat(type("Time64(Microsecond)")).isEqualTo(DataTypes.TIME(3));
    }

    @Test
    void timestampsKeepTheirUnitAndZoneMeansAnInstant() {
        assertThat(type("Timestamp(Second, None)")).isEqualTo(DataTypes.TIMESTAMP(0));
        assertThat(type("Timestamp(Millisecond, None)")).isEqualTo(DataTypes.TIMESTAMP(3));
        assertThat(type("Timestamp(Microsecond, None)")).isEqualTo(DataTypes.TIMESTAMP(6));
        assertThat(type("Timestamp(Nanosecond, None)")).isEqualTo(DataTypes.TIMESTAMP(9));
        assertThat(type("Timestamp(Microsecond, Some(\"UTC\"))"))
                .isEqualTo(DataTypes.TIMESTAMP_LTZ(6));
        assertThat(type("Timestamp(Millisecond, Some(\"+01:00\"))"))
                .isEqualTo(DataTypes.TIMESTAMP_LTZ(3));
    }

    @Test
    void nestedTypesInHotdataLocalsForm() {
        assertThat(type("List(Int32)")).isEqualTo(DataTypes.ARRAY(DataTypes.INT()));
        assertThat(type("Map(Utf8, Int32)"))
                .isEqualTo(DataTypes.MAP(DataTypes.STRING().notNull(), DataTypes.INT()));
        assertThat(type("Struct(\"a\": Int32, \"b\": Utf8)"))
                .isEqualTo(
                        DataTypes.ROW(
                                DataTypes.FIELD("a", DataTypes.INT()),
                                DataTypes.FIELD("b", DataTypes.STRING())));
        assertThat(type("List(Struct(\"x\": List(Decimal128(5, 2)), \"y\": Map(Int64, Boolean)))"))
                .isEqualTo(
                        DataTypes.ARRAY(
                                DataTypes.ROW(
                                        DataTypes.FIELD(
                                                "x", DataTypes.ARRAY(DataTypes.DECIMAL(5, 2))),
                                        DataTypes.FIELD(
                                                "y",
                                                DataTypes.MAP(
                                                        DataTypes.BIGINT().notNull(),
                                                        DataTypes.BOOLEAN())))));
    }

    @Test
    void nestedTypesInArrowRsDebugForm() {
        assertThat(
                        type(
                                "List(Field { name: \"item\", data_type: Int64, nullable: false,"
                                        + " dict_id: 0, dict_is_ordered: false, metadata: {} })"))
                .isEqualTo(DataTypes.ARRAY(DataTypes.BIGINT().notNull()));
        assertThat(type("List(nullable Int32)")).isEqualTo(DataTypes.ARRAY(DataTypes.INT()));
        assertThat(
                        type(
                                "Struct([Field { name: \"a\", data_type: Utf8, nullable: true },"
                                        + " Field { name: \"b b\", data_type: Float64, nullable:"
                                        + " false }])"))
                .isEqualTo(
                        DataTypes.ROW(
                                DataTypes.FIELD("a", DataTypes.STRING()),
                                DataTypes.FIELD("b b", DataTypes.DOUBLE().notNull())));
        assertThat(
                        type(
                                "Map(Field { name: \"entries\", data_type: Struct([Field { name:"
                                        + " \"key\", data_type: Utf8, nullable: false }, Field {"
                                        + " name: \"value\", data_type: Int32, nullable: true }]),"
                                        + " nullable: false, dict_id: 0, dict_is_ordered: false,"
                                        + " metadata: {} }, false)"))
                .isEqualTo(DataTypes.MAP(DataTypes.STRING().notNull(), DataTypes.INT()));
        assertThat(type("Dictionary(UInt32, Utf8)")).isEqualTo(DataTypes.STRING());
        assertThat(type("Dictionary(Int8, Int64)")).isEqualTo(DataTypes.BIGINT());
    }

    @Test
    void unknownOrUnreadableTypesAreReadAsText() {
        assertThat(type("Interval(MonthDayNano)")).isEqualTo(DataTypes.STRING());
        assertThat(type("Duration(Second)")).isEqualTo(DataTypes.STRING());
        assertThat(type("Null")).isEqualTo(DataTypes.STRING());
        assertThat(type("Decimal256(76, 10)")).isEqualTo(DataTypes.STRING());
        assertThat(type("Union(...)")).isEqualTo(DataTypes.STRING());
        assertThat(type("List(")).isEqualTo(DataTypes.STRING());
        assertThat(type("")).isEqualTo(DataTypes.STRING());
        assertThat(type(null)).isEqualTo(DataTypes.STRING());
    }

    @Test
    void nullabilityIsTheColumns() {
        assertThat(HotdataArrowTypes.toFlinkType("Int64", false))
                .isEqualTo(DataTypes.BIGINT().notNull());
        assertThat(HotdataArrowTypes.toFlinkType("Utf8", true)).isEqualTo(DataTypes.STRING());
    }
}
