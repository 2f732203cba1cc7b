package dev.hotdata.flink.connector.format;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.assertj.core.api.Assertions.assertThat;

/** Writes every supported type family and reads it back with DuckDB. */
class HotdataParquetRoundTripTest {

    @TempDir Path dir;

    private static RowType rowType(DataTypes.Field... fields) {
        return (RowType) DataTypes.ROW(fields).getLogicalType();
    }

    private static DecimalData dec(String v, int p, int s) {
        return DecimalData.fromBigDecimal(new BigDecimal(v), p, s);
    }

    private static int days(LocalDate d) {
        return (int) d.toEpochDay();
    }

    private static int millisOfDay(LocalTime t) {
        return (int) (t.toNanoOfDay() / 1_000_000);
    }

    @Test
    void scalarsRoundTripWithEdgeValues() throws Exception {
        RowType type =
                rowType(
                        FIELD("b", DataTypes.BOOLEAN()),
                        FIELD("ti", DataTypes.TINYINT()),
                        FIELD("si", DataTypes.SMALLINT()),
                        FIELD("i", DataTypes.INT()),
                        FIELD("bi", DataTypes.BIGINT()),
                        FIELD("f", DataTypes.FLOAT()),
                        FIELD("d", DataTypes.DOUBLE()),
                        FIELD("c", DataTypes.CHAR(3)),
                        FIELD("Vc", DataTypes.STRING()),
                        FIELD("bin", DataTypes.BYTES()),
                        FIELD("d52", DataTypes.DECIMAL(5, 2)),
                        FIELD("d184", DataTypes.DECIMAL(18, 4)),
                        FIELD("d3810", DataTypes.DECIMAL(38, 10)),
                        FIELD("d190", DataTypes.DECIMAL(19, 0)),
                        FIELD("dt", DataTypes.DATE()),
                        FIELD("t", DataTypes.TIME(3)),
                        FIELD("nn", DataTypes.INT().notNull()));
        String unicode = "héllo wörld ✓ 日本 😀";
        List<RowData> rows =
                Arrays.asList(
                        GenericRowData.of(
                                true,
                                Byte.MIN_VALUE,
                                Short.MIN_VALUE,
                                Integer.MIN_VALUE,
                                Long.MIN_VALUE,
                                -1.5f,
                                Double.MAX_VALUE,
                                StringData.fromString("abc"),
                                StringData.fromString(unicode),
                                new byte[] {0, 1, (byte) 0xff},
                                dec("-999.99", 5, 2),
                                dec("-99999999999999.9999", 18, 4),
                                dec("-9999999999999999999999999999.9999999999", 38, 10),
                                dec("-9999999999999999999", 19, 0),
                                days(LocalDate.of(1969, 12, 31)),
                                millisOfDay(LocalTime.of(23, 59, 59, 999_000_000)),
                                1),
                        GenericRowData.of(
                                false,
                                Byte.MAX_VALUE,
                                Short.MAX_VALUE,
                                Integer.MAX_VALUE,
                                Long.MAX_VALUE,
                                Float.MAX_VALUE,
                                Double.MIN_VALUE,
                                StringData.fromString(""),
                                StringData.fromString(""),
                                new byte[0],
                                dec("999.99", 5, 2),
                                dec("0.0001", 18, 4),
                                dec("9999999999999999999999999999.9999999999", 38, 10),
                                dec("1", 19, 0),
                                days(LocalDate.of(1, 1, 1)),
                                0,
                                2),
                        // every nullable column null
                        GenericRowData.of(
                                null, null, null, null, null, null, null, null, null, null, null,
                                null, null, null, null, null, 3));
        Path file = Writers.write(dir.resolve("scalars.parquet"), type, rows);

        List<Object> types =
                DuckDb.single(
                        file,
                        "SELECT typeof(b), typeof(ti), typeof(si), typeof(i), typeof(bi),"
                                + " typeof(f), typeof(d), typeof(c), typeof(\"Vc\"), typeof(bin),"
                                + " typeof(d52), typeof(d184), typeof(d3810), typeof(d190),"
                                + " typeof(dt), typeof(t), typeof(nn) FROM FILE LIMIT 1");
        assertThat(types)
                .containsExactly(
                        "BOOLEAN",
                        "TINYINT",
                        "SMALLINT",
                        "INTEGER",
                        "BIGINT",
                        "FLOAT",
                        "DOUBLE",
                        "VARCHAR",
                        "VARCHAR",
                        "BLOB",
                        "DECIMAL(5,2)",
                        "DECIMAL(18,4)",
                        "DECIMAL(38,10)",
                        "DECIMAL(19,0)",
                        "DATE",
                        "TIME",
                        "INTEGER");

        List<List<Object>> back =
                DuckDb.query(
                        file,
                        "SELECT b, ti, si, i, bi, f, d, c, \"Vc\", hex(bin), d52, d184, d3810,"
                                + " d190, dt::VARCHAR, t::VARCHAR, nn FROM FILE ORDER BY nn");
        assertThat(back.get(0))
                .containsExactly(
                        true,
                        (byte) -128,
                        (short) -32768,
                        Integer.MIN_VALUE,
                        Long.MIN_VALUE,
                        -1.5f,
                        Double.MAX_VALUE,
                        "abc",
                        unicode,
                        "0001FF",
                        new BigDecimal("-999.99"),
                        new BigDecimal("-99999999999999.9999"),
                        new BigDecimal("-9999999999999999999999999999.9999999999"),
                        new BigDecimal("-9999999999999999999"),
                        "1969-12-31",
                        "23:59:59.999",
                        1);
        assertThat(back.get(1))
                .containsExactly(
                        false,
                        (byte) 127,
                        (short) 32767,
                        Integer.MAX_VALUE,
                        Long.MAX_VALUE,
                        Float.MAX_VALUE,
                        Double.MIN_VALUE,
                        "",
                        "",
                        "",
                        new BigDecimal("999.99"),
                        new BigDecimal("0.0001"),
                        new BigDecimal("9999999999999999999999999999.9999999999"),
                        new BigDecimal("1"),
                        "0001-01-01",
                        "00:00:00",
                        2);
        assertThat(back.get(2))
                .containsExactly(
                        null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, 3);
    }

    @Test
    void stringsStoredInsideLargerBuffersAreSlicedCorrectly() throws Exception {
        RowType type = rowType(FIELD("s", DataTypes.STRING()));
        byte[] buffer = "xxHELLOyyWORLDzz".getBytes(StandardCharsets.UTF_8);
        List<RowData> rows =
                Arrays.asList(
                        GenericRowData.of(BinaryStringData.fromBytes(buffer, 2, 5)),
                        GenericRowData.of(BinaryStringData.fromBytes(buffer, 9, 5)),
                        GenericRowData.of(BinaryStringData.fromBytes(buffer, 2, 5)));
        Path file = Writers.write(dir.resolve("slices.parquet"), type, rows);
        assertThat(DuckDb.query(file, "SELECT s FROM FILE"))
                .containsExactly(
                        Arrays.asList("HELLO"), Arrays.asList("WORLD"), Arrays.asList("HELLO"));
    }

    @Test
    void decimalsGivenAtAnotherPrecisionOrScaleAreRescaledExactly() throws Exception {
        RowType type =
                rowType(
                        FIELD("small", DataTypes.DECIMAL(10, 2)),
                        FIELD("wide", DataTypes.DECIMAL(30, 4)));
        List<RowData> rows =
                Arrays.asList(
                        GenericRowData.of(dec("-12.5", 3, 1), dec("7.25", 30, 2)),
                        GenericRowData.of(dec("12345678.90", 20, 2), dec("-1", 1, 0)));
        Path file = Writers.write(dir.resolve("rescaled.parquet"), type, rows);
        List<List<Object>> back = DuckDb.query(file, "SELECT small, wide FROM FILE");
        assertThat(back.get(0)).containsExactly(new BigDecimal("-12.50"), new BigDecimal("7.2500"));
        assertThat(back.get(1))
                .containsExactly(new BigDecimal("12345678.90"), new BigDecimal("-1.0000"));
    }

    @Test
    void timestampsAreNaiveAndLtzIsUtcAdjusted() throws Exception {
        RowType type =
                rowType(
                        FIELD("ts3", DataTypes.TIMESTAMP(3)),
                        FIELD("ts6", DataTypes.TIMESTAMP(6)),
                        FIELD("ts9", DataTypes.TIMESTAMP(9)),
                        FIELD("ltz3", DataTypes.TIMESTAMP_LTZ(3)),
                        FIELD("ltz6", DataTypes.TIMESTAMP_LTZ(6)));
        LocalDateTime before1970 = LocalDateTime.of(1969, 12, 31, 23, 59, 59, 123_456_789);
        LocalDateTime modern = LocalDateTime.of(2024, 2, 29, 12, 30, 45, 987_654_321);
        Instant instant = Instant.parse("2024-03-10T01:02:03.456789Z");
        Instant early = Instant.parse("1900-01-01T00:00:00.001Z");
        List<RowData> rows =
                Arrays.asList(
                        GenericRowData.of(
                                TimestampData.fromLocalDateTime(before1970.withNano(123_000_000)),
                                TimestampData.fromLocalDateTime(before1970.withNano(123_456_000)),
                                TimestampData.fromLocalDateTime(before1970),
                                TimestampData.fromInstant(early),
                                TimestampData.fromInstant(instant)),
                        GenericRowData.of(
                                TimestampData.fromLocalDateTime(modern.withNano(987_000_000)),
                                TimestampData.fromLocalDateTime(modern.withNano(987_654_000)),
                                TimestampData.fromLocalDateTime(modern),
                                TimestampData.fromInstant(instant.minusNanos(789_000)),
                                TimestampData.fromInstant(instant)),
                        GenericRowData.of(null, null, null, null, null));
        Path file = Writers.write(dir.resolve("ts.parquet"), type, rows);

        assertThat(
                        DuckDb.single(
                                file,
                                "SELECT typeof(ts3), typeof(ts6), typeof(ts9), typeof(ltz3),"
                                        + " typeof(ltz6) FROM FILE LIMIT 1"))
                .containsExactly(
                        "TIMESTAMP",
                        "TIMESTAMP",
                        "TIMESTAMP",
                        "TIMESTAMP WITH TIME ZONE",
                        "TIMESTAMP WITH TIME ZONE");
        List<List<Object>> back =
                DuckDb.query(
                        file,
                        "SELECT epoch_us(ts3), epoch_us(ts6), epoch_us(ts9), epoch_us(ltz3),"
                                + " epoch_us(ltz6), ts9::VARCHAR FROM FILE");
        assertThat(back.get(0))
                .containsExactly(
                        micros(before1970.withNano(123_000_000)),
                        micros(before1970.withNano(123_456_000)),
                        // TIMESTAMP(9) at MICROS: truncated to whole microseconds
                        micros(before1970.withNano(123_456_000)),
                        micros(early),
                        micros(instant),
                        "1969-12-31 23:59:59.123456");
        assertThat(back.get(1))
                .containsExactly(
                        micros(modern.withNano(987_000_000)),
                        micros(modern.withNano(987_654_000)),
                        micros(modern.withNano(987_654_000)),
                        micros(instant.minusNanos(789_000)),
                        micros(instant),
                        "2024-02-29 12:30:45.987654");
        assertThat(back.get(2)).containsOnlyNulls();

        // the instant does not depend on the reader's session time zone
        assertThat(
                        DuckDb.single(
                                file,
                                "SELECT (ltz6 AT TIME ZONE 'Asia/Kolkata')::VARCHAR FROM FILE"
                                        + " WHERE ltz6 IS NOT NULL LIMIT 1"))
                .containsExactly("2024-03-10 06:32:03.456789");
    }

    @Test
    void nanosUnitKeepsNanoseconds() throws Exception {
        RowType type =
                rowType(
                        FIELD("ts9", DataTypes.TIMESTAMP(9)),
                        FIELD("ltz9", DataTypes.TIMESTAMP_LTZ(9)));
        LocalDateTime t = LocalDateTime.of(2001, 2, 3, 4, 5, 6, 123_456_789);
        Instant i = Instant.parse("2001-02-03T04:05:06.123456789Z");
        Path file =
                Writers.write(
                        dir.resolve("ns.parquet"),
                        type,
                        ParquetWriterOptions.builder()
                                .timestampUnit(ParquetTimestampUnit.NANOS)
                                .build(),
                        Arrays.asList(
                                GenericRowData.of(
                                        TimestampData.fromLocalDateTime(t),
                                        TimestampData.fromInstant(i))));
        assertThat(
                        DuckDb.single(
                                file,
                                "SELECT typeof(ts9), epoch_ns(ts9), typeof(ltz9), epoch_us(ltz9)"
                                        + " FROM FILE"))
                .containsExactly(
                        "TIMESTAMP_NS",
                        t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + 123_456_789L,
                        "TIMESTAMP WITH TIME ZONE",
                        micros(i));
    }

    @Test
    void nestedRowsArraysMapsAndMultisetsRoundTrip() throws Exception {
        DataTypes.Field[] point = {FIELD("x", DataTypes.INT()), FIELD("y", DataTypes.STRING())};
        RowType type =
                rowType(
                        FIELD("id", DataTypes.INT().notNull()),
                        FIELD("tags", DataTypes.ARRAY(DataTypes.STRING())),
                        FIELD("nums", DataTypes.ARRAY(DataTypes.INT().notNull())),
                        FIELD(
                                "person",
                                DataTypes.ROW(
                                        FIELD("name", DataTypes.STRING()),
                                        FIELD(
                                                "address",
                                                DataTypes.ROW(
                                                        FIELD("city", DataTypes.STRING()),
                                                        FIELD("zip", DataTypes.INT()))))),
                        FIELD("attrs", DataTypes.MAP(DataTypes.STRING(), DataTypes.BIGINT())),
                        FIELD(
                                "deep",
                                DataTypes.MAP(
                                        DataTypes.STRING().notNull(),
                                        DataTypes.ARRAY(DataTypes.ROW(point)))),
                        FIELD("bag", DataTypes.MULTISET(DataTypes.STRING())),
                        FIELD("decs", DataTypes.ARRAY(DataTypes.DECIMAL(38, 10))),
                        FIELD("grid", DataTypes.ARRAY(DataTypes.ARRAY(DataTypes.INT()))));
        Map<Object, Object> attrs = new LinkedHashMap<>();
        attrs.put(StringData.fromString("a"), 1L);
        attrs.put(StringData.fromString("b"), null);
        Map<Object, Object> deep = new LinkedHashMap<>();
        deep.put(
                StringData.fromString("k1"),
                new GenericArrayData(
                        new Object[] {
                            GenericRowData.of(1, StringData.fromString("one")),
                            null,
                            GenericRowData.of(null, StringData.fromString("nox"))
                        }));
        deep.put(StringData.fromString("k2"), new GenericArrayData(new Object[0]));
        deep.put(StringData.fromString("k3"), null);
        Map<Object, Object> bag = new LinkedHashMap<>();
        bag.put(StringData.fromString("apple"), 2);
        bag.put(StringData.fromString("pear"), 1);
        RowData full =
                GenericRowData.of(
                        1,
                        new GenericArrayData(
                                new Object[] {
                                    StringData.fromString("x"), null, StringData.fromString("")
                                }),
                        new GenericArrayData(new int[] {3, -1, 0}),
                        GenericRowData.of(
                                StringData.fromString("Ada"),
                                GenericRowData.of(StringData.fromString("London"), null)),
                        new GenericMapData(attrs),
                        new GenericMapData(deep),
                        new GenericMapData(bag),
                        new GenericArrayData(
                                new Object[] {
                                    dec("1.5", 38, 10), dec("-2.25", 38, 10), null, dec("0", 38, 10)
                                }),
                        new GenericArrayData(
                                new Object[] {
                                    new GenericArrayData(new Object[] {1, null}),
                                    new GenericArrayData(new Object[0]),
                                    null
                                }));
        RowData empty =
                GenericRowData.of(
                        2,
                        new GenericArrayData(new Object[0]),
                        new GenericArrayData(new int[0]),
                        GenericRowData.of(null, null),
                        new GenericMapData(new LinkedHashMap<>()),
                        new GenericMapData(new LinkedHashMap<>()),
                        new GenericMapData(new LinkedHashMap<>()),
                        new GenericArrayData(new Object[0]),
                        new GenericArrayData(new Object[0]));
        RowData nulls = GenericRowData.of(3, null, null, null, null, null, null, null, null);
        Path file =
                Writers.write(
                        dir.resolve("nested.parquet"), type, Arrays.asList(full, empty, nulls));

        assertThat(
                        DuckDb.single(
                                file,
                                "SELECT typeof(tags), typeof(nums), typeof(person), typeof(attrs),"
                                        + " typeof(deep), typeof(bag), typeof(decs), typeof(grid)"
                                        + " FROM FILE LIMIT 1"))
                .containsExactly(
                        "VARCHAR[]",
                        "INTEGER[]",
                        "STRUCT(\"name\" VARCHAR, address STRUCT(city VARCHAR, zip INTEGER))",
                        "MAP(VARCHAR, BIGINT)",
                        "MAP(VARCHAR, STRUCT(x INTEGER, y VARCHAR)[])",
                        "MAP(VARCHAR, INTEGER)",
                        "DECIMAL(38,10)[]",
                        "INTEGER[][]");
        List<List<Object>> back =
                DuckDb.query(
                        file,
                        "SELECT tags::VARCHAR, nums::VARCHAR, person::VARCHAR, attrs::VARCHAR,"
                                + " deep::VARCHAR, bag::VARCHAR, decs::VARCHAR, grid::VARCHAR"
                                + " FROM FILE ORDER BY id");
        assertThat(back.get(0))
                .containsExactly(
                        "[x, NULL, '']",
                        "[3, -1, 0]",
                        "{'name': Ada, 'address': {'city': London, 'zip': NULL}}",
                        "{a=1, b=NULL}",
                        "{k1=[{'x': 1, 'y': one}, NULL, {'x': NULL, 'y': nox}], k2=[], k3=NULL}",
                        "{apple=2, pear=1}",
                        "[1.5000000000, -2.2500000000, NULL, 0.0000000000]",
                        "[[1, NULL], [], NULL]");
        assertThat(back.get(1))
                .containsExactly(
                        "[]",
                        "[]",
                        "{'name': NULL, 'address': NULL}",
                        "{}",
                        "{}",
                        "{}",
                        "[]",
                        "[]");
        assertThat(back.get(2)).containsOnlyNulls();
    }

    private static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }

    private static long micros(Instant i) {
        return Math.floorDiv(i.getEpochSecond() * 1_000_000_000L + i.getNano(), 1000L);
    }
}
