package dev.hotdata.flink.connector.format;

import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.UnresolvedIdentifier;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BitmapType;
import org.apache.flink.table.types.logical.DescriptorType;
import org.apache.flink.table.types.logical.DistinctType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.NullType;
import org.apache.flink.table.types.logical.RawType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.StructuredType;
import org.apache.flink.table.types.logical.SymbolType;
import org.apache.flink.table.types.logical.UnresolvedUserDefinedType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.VariantType;
import org.apache.flink.table.types.logical.ZonedTimestampType;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Collections;
import java.util.stream.Stream;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The type mapping: the schema written for supported types, and the rejection messages. */
class HotdataTypeSupportTest {

    private static RowType row(String[] names, LogicalType... types) {
        return RowType.of(types, names);
    }

    private static RowType one(String name, LogicalType type) {
        return row(new String[] {name}, type);
    }

    @Test
    void schemaOfEveryScalarType() {
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        FIELD("b", DataTypes.BOOLEAN().notNull()),
                                        FIELD("ti", DataTypes.TINYINT()),
                                        FIELD("si", DataTypes.SMALLINT()),
                                        FIELD("i", DataTypes.INT()),
                                        FIELD("bi", DataTypes.BIGINT()),
                                        FIELD("f", DataTypes.FLOAT()),
                                        FIELD("d", DataTypes.DOUBLE()),
                                        FIELD("c", DataTypes.CHAR(2)),
                                        FIELD("MixedCase", DataTypes.STRING()),
                                        FIELD("bin", DataTypes.BINARY(4)),
                                        FIELD("vb", DataTypes.BYTES()),
                                        FIELD("d92", DataTypes.DECIMAL(9, 2)),
                                        FIELD("d102", DataTypes.DECIMAL(10, 2)),
                                        FIELD("d184", DataTypes.DECIMAL(18, 4)),
                                        FIELD("d190", DataTypes.DECIMAL(19, 0)),
                                        FIELD("d3810", DataTypes.DECIMAL(38, 10)),
                                        FIELD("dt", DataTypes.DATE()),
                                        FIELD("t", DataTypes.TIME(3)),
                                        FIELD("ts", DataTypes.TIMESTAMP(6)),
                                        FIELD("ltz", DataTypes.TIMESTAMP_LTZ(3)))
                                .getLogicalType();
        MessageType expected =
                MessageTypeParser.parseMessageType(
                        "message hotdata_schema {\n"
                                + "  required boolean b;\n"
                                + "  optional int32 ti (INTEGER(8,true));\n"
                                + "  optional int32 si (INTEGER(16,true));\n"
                                + "  optional int32 i;\n"
                                + "  optional int64 bi;\n"
                                + "  optional float f;\n"
                                + "  optional double d;\n"
                                + "  optional binary c (STRING);\n"
                                + "  optional binary MixedCase (STRING);\n"
                                + "  optional binary bin;\n"
                                + "  optional binary vb;\n"
                                + "  optional int32 d92 (DECIMAL(9,2));\n"
                                + "  optional int64 d102 (DECIMAL(10,2));\n"
                                + "  optional int64 d184 (DECIMAL(18,4));\n"
                                + "  optional fixed_len_byte_array(9) d190 (DECIMAL(19,0));\n"
                                + "  optional fixed_len_byte_array(16) d3810 (DECIMAL(38,10));\n"
                                + "  optional int32 dt (DATE);\n"
                                + "  optional int64 t (TIME(MICROS,false));\n"
                                + "  optional int64 ts (TIMESTAMP(MICROS,false));\n"
                                + "  optional int64 ltz (TIMESTAMP(MICROS,true));\n"
                                + "}");
        assertThat(HotdataTypeSupport.toParquetSchema(type)).isEqualTo(expected);
    }

    @Test
    void schemaOfNestedTypes() {
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        FIELD(
                                                "tags",
                                                DataTypes.ARRAY(DataTypes.STRING().notNull())),
                                        FIELD(
                                                "m",
                                                DataTypes.MAP(
                                                                DataTypes.STRING(),
                                                                DataTypes.ROW(
                                                                        FIELD(
                                                                                "x",
                                                                                DataTypes.INT())))
                                                        .notNull()),
                                        FIELD("bag", DataTypes.MULTISET(DataTypes.BIGINT())))
                                .getLogicalType();
        MessageType expected =
                MessageTypeParser.parseMessageType(
                        "message hotdata_schema {\n"
                                + "  optional group tags (LIST) {\n"
                                + "    repeated group list { required binary element (STRING); }\n"
                                + "  }\n"
                                + "  required group m (MAP) {\n"
                                + "    repeated group key_value {\n"
                                + "      required binary key (STRING);\n"
                                + "      optional group value { optional int32 x; }\n"
                                + "    }\n"
                                + "  }\n"
                                + "  optional group bag (MAP) {\n"
                                + "    repeated group key_value {\n"
                                + "      required int64 key;\n"
                                + "      required int32 value;\n"
                                + "    }\n"
                                + "  }\n"
                                + "}");
        assertThat(HotdataTypeSupport.toParquetSchema(type)).isEqualTo(expected);
    }

    @Test
    void timestampUnitFollowsTheOption() {
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        FIELD("ts", DataTypes.TIMESTAMP(9)),
                                        FIELD("ltz", DataTypes.TIMESTAMP_LTZ(9)))
                                .getLogicalType();
        assertThat(HotdataTypeSupport.toParquetSchema(type, ParquetTimestampUnit.NANOS).toString())
                .contains("int64 ts (TIMESTAMP(NANOS,false))")
                .contains("int64 ltz (TIMESTAMP(NANOS,true))");
    }

    @Test
    void distinctTypesAreWrittenAsTheirSourceType() {
        LogicalType distinct =
                DistinctType.newBuilder(ObjectIdentifier.of("cat", "db", "Money"), new IntType())
                        .build();
        RowType type = one("amount", distinct);
        HotdataTypeSupport.validate(type);
        assertThat(HotdataTypeSupport.toParquetSchema(type).toString())
                .contains("optional int32 amount;");
    }

    @Test
    void decimalWidthIsMinimal() {
        assertThat(HotdataTypeSupport.decimalBytes(19)).isEqualTo(9);
        assertThat(HotdataTypeSupport.decimalBytes(20)).isEqualTo(9);
        assertThat(HotdataTypeSupport.decimalBytes(21)).isEqualTo(9);
        assertThat(HotdataTypeSupport.decimalBytes(22)).isEqualTo(10);
        assertThat(HotdataTypeSupport.decimalBytes(38)).isEqualTo(16);
        for (int p = 1; p <= 38; p++) {
            int n = HotdataTypeSupport.decimalBytes(p);
            java.math.BigInteger max =
                    java.math.BigInteger.TEN.pow(p).subtract(java.math.BigInteger.ONE);
            assertThat(max.bitLength() + 1).isLessThanOrEqualTo(8 * n);
            assertThat(max.bitLength() + 1).isGreaterThan(8 * (n - 1));
        }
    }

    static Stream<Arguments> rejectedTypes() {
        return Stream.of(
                Arguments.of(new RawType<>(String.class, StringSerializer.INSTANCE), "RAW"),
                Arguments.of(
                        StructuredType.newBuilder(HotdataTypeSupportTest.class)
                                .attributes(
                                        Collections.singletonList(
                                                new StructuredType.StructuredAttribute(
                                                        "a", new IntType())))
                                .build(),
                        "HotdataTypeSupportTest"),
                Arguments.of(new SymbolType<>(), "SYMBOL"),
                Arguments.of(new NullType(), "NULL"),
                Arguments.of(DataTypes.INTERVAL(DataTypes.MONTH()).getLogicalType(), "INTERVAL"),
                Arguments.of(DataTypes.INTERVAL(DataTypes.SECOND(3)).getLogicalType(), "INTERVAL"),
                Arguments.of(new VariantType(), "VARIANT"),
                Arguments.of(new ZonedTimestampType(3), "TIMESTAMP(3) WITH TIME ZONE"),
                Arguments.of(new DescriptorType(), "DESCRIPTOR"),
                Arguments.of(new BitmapType(), "BITMAP"),
                Arguments.of(
                        new UnresolvedUserDefinedType(UnresolvedIdentifier.of("my_type")),
                        "my_type"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejectedTypes")
    void rejectedTypeAtTopLevelNamesColumnAndType(LogicalType bad, String typeText) {
        assertThatThrownBy(() -> HotdataTypeSupport.validate(one("col", bad)))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Column 'col' has type ")
                .hasMessageContaining(typeText)
                .hasMessageContaining("which Hotdata cannot store")
                .hasMessageContaining("Supported: BOOLEAN");
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejectedTypes")
    void rejectedTypeNestedInRowNamesThePath(LogicalType bad, String typeText) {
        RowType payload = row(new String[] {"id", "tags"}, new IntType(), bad);
        assertThatThrownBy(
                        () ->
                                HotdataTypeSupport.validate(
                                        row(new String[] {"k", "payload"}, new IntType(), payload)))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Column 'payload.tags' has type ")
                .hasMessageContaining(typeText);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejectedTypes")
    void rejectedTypeInsideArrayAndMapNamesThePath(LogicalType bad, String typeText) {
        assertThatThrownBy(
                        () ->
                                HotdataTypeSupport.validate(
                                        one("items", new ArrayType(one("inner", bad)))))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Column 'items.<element>.inner' has type ")
                .hasMessageContaining(typeText);
        assertThatThrownBy(
                        () ->
                                HotdataTypeSupport.validate(
                                        one("m", new MapType(new VarCharType(10), bad))))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Column 'm.<value>' has type ");
        assertThatThrownBy(
                        () ->
                                HotdataTypeSupport.validate(
                                        one("m", new MapType(bad, new IntType()))))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Column 'm.<key>' has type ");
    }

    @Test
    void intervalAndZonedTimestampMessagesSuggestAnAlternative() {
        assertThatThrownBy(
                        () ->
                                HotdataTypeSupport.validate(
                                        one(
                                                "dur",
                                                DataTypes.INTERVAL(DataTypes.DAY())
                                                        .getLogicalType())))
                .hasMessageContaining("cast the column to BIGINT or STRING");
        assertThatThrownBy(() -> HotdataTypeSupport.validate(one("at", new ZonedTimestampType(6))))
                .hasMessageContaining("Use TIMESTAMP_LTZ");
    }

    @Test
    void namesDifferingOnlyInCaseAreRejected() {
        RowType inner = row(new String[] {"Name", "name"}, new IntType(), new IntType());
        assertThatThrownBy(() -> HotdataTypeSupport.validate(one("p", inner)))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'p.Name' and 'p.name' differ only in case");
        // the same name at different levels is fine
        HotdataTypeSupport.validate(
                row(new String[] {"name", "p"}, new IntType(), one("name", new IntType())));
    }

    @Test
    void emptyRowsAreRejected() {
        assertThatThrownBy(() -> HotdataTypeSupport.validate(row(new String[0])))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("no columns");
        assertThatThrownBy(() -> HotdataTypeSupport.validate(one("r", row(new String[0]))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Column 'r' has type ROW<>");
    }

    @Test
    void factoryRejectsUnsupportedTypesAtConstruction() {
        assertThatThrownBy(
                        () ->
                                new HotdataParquetWriterFactory(
                                        one("x", new NullType()), ParquetWriterOptions.defaults()))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Column 'x' has type NULL");
    }
}
