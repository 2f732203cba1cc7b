package dev.hotdata.flink.connector.format;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DayTimeIntervalType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.NullType;
import org.apache.flink.table.types.logical.RawType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SymbolType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.YearMonthIntervalType;
import org.apache.flink.table.types.logical.ZonedTimestampType;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HotdataTypeSupportTest {

    private static RowType one(String name, LogicalType type) {
        return RowType.of(new LogicalType[] {type}, new String[] {name});
    }

    private static void assertRejected(RowType type, String path, String typeText) {
        assertThatThrownBy(() -> HotdataTypeSupport.validate(type))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'" + path + "'")
                .hasMessageContaining(typeText)
                .hasMessageContaining("Supported:");
    }

    @Test
    void rejectsUnsupportedTypesNamingColumnPathAndType() {
        assertRejected(
                one("span", new DayTimeIntervalType(DayTimeIntervalType.DayTimeResolution.DAY)),
                "span",
                "INTERVAL");
        assertRejected(
                one(
                        "months",
                        new YearMonthIntervalType(YearMonthIntervalType.YearMonthResolution.MONTH)),
                "months",
                "INTERVAL");
        assertRejected(one("zoned", new ZonedTimestampType(3)), "zoned", "TIME ZONE");
        assertRejected(one("nothing", new NullType()), "nothing", "NULL");
        assertRejected(
                one(
                        "raw",
                        new RawType<>(
                                String.class,
                                org.apache.flink.api.common.typeutils.base.StringSerializer
                                        .INSTANCE)),
                "raw",
                "RAW");
    }

    @Test
    void rejectsNestedUnsupportedTypesWithTheirPath() {
        RowType nested =
                one(
                        "payload",
                        RowType.of(
                                new LogicalType[] {
                                    new ArrayType(new SymbolType<>()),
                                },
                                new String[] {"tags"}));
        assertRejected(nested, "payload.tags[]", "SYMBOL");
        assertRejected(
                one("m", new MapType(new VarCharType(10), new ZonedTimestampType(6))),
                "m.value",
                "TIME ZONE");
    }

    @Test
    void mapsTimestampsAndDecimalsToTheExpectedParquetTypes() {
        MessageType schema =
                HotdataTypeSupport.toParquetSchema(
                        RowType.of(
                                new LogicalType[] {
                                    new LocalZonedTimestampType(3),
                                    new DecimalType(9, 2),
                                    new DecimalType(18, 2),
                                    new DecimalType(38, 2),
                                    new BigIntType(false)
                                },
                                new String[] {"ltz", "d9", "d18", "d38", "id"}));
        LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ltz =
                (LogicalTypeAnnotation.TimestampLogicalTypeAnnotation)
                        schema.getType("ltz").getLogicalTypeAnnotation();
        assertThat(ltz.isAdjustedToUTC()).isTrue();
        assertThat(schema.getType("ltz").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveType.PrimitiveTypeName.INT64);
        assertThat(schema.getType("d9").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveType.PrimitiveTypeName.INT32);
        assertThat(schema.getType("d18").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveType.PrimitiveTypeName.INT64);
        assertThat(schema.getType("d38").asPrimitiveType().getTypeLength()).isEqualTo(16);
        assertThat(
                        schema.getType("id")
                                .isRepetition(org.apache.parquet.schema.Type.Repetition.REQUIRED))
                .isTrue();
        assertThat(HotdataTypeSupport.decimalBytes(10)).isEqualTo(5);
        assertThat(HotdataTypeSupport.decimalBytes(38)).isEqualTo(16);
    }
}
