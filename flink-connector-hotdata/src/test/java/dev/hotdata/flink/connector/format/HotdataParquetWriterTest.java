package dev.hotdata.flink.connector.format;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BinaryType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writes Parquet with our writer and reads it back with DuckDB, an independent reader. */
class HotdataParquetWriterTest {

    @TempDir Path dir;

    private static RowType rowType(Object... namesAndTypes) {
        LogicalType[] types = new LogicalType[namesAndTypes.length / 2];
        String[] names = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            names[i] = (String) namesAndTypes[2 * i];
            types[i] = (LogicalType) namesAndTypes[2 * i + 1];
        }
        return RowType.of(types, names);
    }

    private Path write(RowType type, ParquetWriterOptions options, RowData... rows)
            throws IOException {
        Path file = dir.resolve("f" + System.nanoTime() + ".parquet");
        HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(type, options).create(file);
        for (RowData row : rows) {
            writer.write(row);
        }
        writer.finish();
        assertThat(writer.rowCount()).isEqualTo(rows.length);
        return file;
    }

    private Path write(RowType type, RowData... rows) throws IOException {
        return write(type, ParquetWriterOptions.defaults(), rows);
    }

    private static List<List<Object>> read(Path file, String select) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT "
                                        + select
                                        + " FROM read_parquet('"
                                        + file.toString().replace("'", "''")
                                        + "')");
                ResultSet rs = s.executeQuery()) {
            List<List<Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Test
    void scalarTypesRoundTripWithEdgeValues() throws Exception {
        RowType type =
                rowType(
                        "b", new BooleanType(),
                        "t", new TinyIntType(),
                        "s", new SmallIntType(),
                        "i", new IntType(),
                        "l", new BigIntType(),
                        "f", new FloatType(),
                        "d", new DoubleType(),
                        "str", new VarCharType(VarCharType.MAX_LENGTH),
                        "bin", new VarBinaryType(VarBinaryType.MAX_LENGTH),
                        "fixed", new BinaryType(3));
        Path file =
                write(
                        type,
                        GenericRowData.of(
                                true,
                                Byte.MIN_VALUE,
                                Short.MAX_VALUE,
                                Integer.MIN_VALUE,
                                Long.MAX_VALUE,
                                1.5f,
                                -2.25d,
                                StringData.fromString("h\u00e9llo \u4e16\u754c"),
                                new byte[] {0, -1, 127},
                                new byte[] {1, 2, 3}),
                        GenericRowData.of(
                                false,
                                Byte.MAX_VALUE,
                                Short.MIN_VALUE,
                                Integer.MAX_VALUE,
                                Long.MIN_VALUE,
                                Float.MIN_VALUE,
                                Double.MAX_VALUE,
                                StringData.fromString(""),
                                new byte[0],
                                new byte[] {9, 9, 9}),
                        new GenericRowData(10));

        List<List<Object>> rows =
                read(file, "b, t, s, i, l, f, d, str, hex(bin), hex(fixed), typeof(t), typeof(s)");
        assertThat(rows.get(0))
                .containsExactly(
                        true,
                        (byte) -128,
                        (short) 32767,
                        Integer.MIN_VALUE,
                        Long.MAX_VALUE,
                        1.5f,
                        -2.25d,
                        "h\u00e9llo \u4e16\u754c",
                        "00FF7F",
                        "010203",
                        "TINYINT",
                        "SMALLINT");
        assertThat(rows.get(1).subList(0, 10))
                .containsExactly(
                        false,
                        (byte) 127,
                        (short) -32768,
                        Integer.MAX_VALUE,
                        Long.MIN_VALUE,
                        Float.MIN_VALUE,
                        Double.MAX_VALUE,
                        "",
                        "",
                        "090909");
        assertThat(rows.get(2).subList(0, 10)).containsOnlyNulls();
    }

    @Test
    void decimalsOfEveryPhysicalWidthRoundTrip() throws Exception {
        RowType type =
                rowType(
                        "d5", new DecimalType(5, 2),
                        "d18", new DecimalType(18, 4),
                        "d38", new DecimalType(38, 10),
                        "d20", new DecimalType(20, 0));
        BigDecimal[][] values = {
            {
                new BigDecimal("-999.99"),
                new BigDecimal("-99999999999999.9999"),
                new BigDecimal("-9999999999999999999999999999.9999999999"),
                new BigDecimal("-99999999999999999999")
            },
            {
                new BigDecimal("0.01"),
                new BigDecimal("12345.6789"),
                new BigDecimal("1234567890123456789012345678.0123456789"),
                new BigDecimal("18446744073709551616")
            },
            {
                BigDecimal.ZERO.setScale(2),
                BigDecimal.ZERO.setScale(4),
                new BigDecimal("-0.0000000001"),
                BigDecimal.ONE
            }
        };
        RowData[] rows = new RowData[values.length];
        for (int r = 0; r < values.length; r++) {
            rows[r] =
                    GenericRowData.of(
                            DecimalData.fromBigDecimal(values[r][0], 5, 2),
                            DecimalData.fromBigDecimal(values[r][1], 18, 4),
                            DecimalData.fromBigDecimal(values[r][2], 38, 10),
                            DecimalData.fromBigDecimal(values[r][3], 20, 0));
        }
        Path file = write(type, rows);

        List<List<Object>> read = read(file, "d5, d18, d38, d20, typeof(d38), typeof(d5)");
        for (int r = 0; r < values.length; r++) {
            for (int c = 0; c < 4; c++) {
                assertThat((BigDecimal) read.get(r).get(c))
                        .as("row %d column %d", r, c)
                        .isEqualByComparingTo(values[r][c]);
            }
        }
        assertThat(read.get(0).get(4)).isEqualTo("DECIMAL(38,10)");
        assertThat(read.get(0).get(5)).isEqualTo("DECIMAL(5,2)");
    }

    @Test
    void datesTimesAndTimestampsRoundTrip() throws Exception {
        RowType type =
                rowType(
                        "day", new DateType(),
                        "time", new TimeType(3),
                        "ts3", new TimestampType(3),
                        "ts6", new TimestampType(6),
                        "ts9", new TimestampType(9),
                        "ltz3", new LocalZonedTimestampType(3),
                        "ltz6", new LocalZonedTimestampType(6));
        LocalDateTime local = LocalDateTime.of(1969, 7, 20, 20, 17, 40, 123_456_789);
        Path file =
                write(
                        type,
                        GenericRowData.of(
                                (int) LocalDate.of(1900, 1, 1).toEpochDay(),
                                (13 * 3600 + 5 * 60 + 7) * 1000 + 250,
                                TimestampData.fromLocalDateTime(local.withNano(123_000_000)),
                                TimestampData.fromLocalDateTime(local.withNano(123_456_000)),
                                TimestampData.fromLocalDateTime(local),
                                TimestampData.fromEpochMillis(1_700_000_000_123L),
                                TimestampData.fromEpochMillis(1_700_000_000_123L, 456_000)));

        List<List<Object>> rows =
                read(
                        file,
                        "CAST(day AS VARCHAR), CAST(time AS VARCHAR), CAST(ts3 AS VARCHAR),"
                                + " CAST(ts6 AS VARCHAR), CAST(ts9 AS VARCHAR),"
                                + " epoch_ms(ltz3), epoch_us(ltz6),"
                                + " typeof(ltz3), typeof(ts6), typeof(ts9)");
        assertThat(rows.get(0))
                .containsExactly(
                        "1900-01-01",
                        "13:05:07.25",
                        "1969-07-20 20:17:40.123",
                        "1969-07-20 20:17:40.123456",
                        "1969-07-20 20:17:40.123456789",
                        1_700_000_000_123L,
                        1_700_000_000_123_456L,
                        "TIMESTAMP WITH TIME ZONE",
                        "TIMESTAMP",
                        "TIMESTAMP_NS");
        // an instant: the same moment whatever the reader's zone
        List<List<Object>> inZone = read(file, "ltz3");
        assertThat(((OffsetDateTime) inZone.get(0).get(0)).toInstant().toEpochMilli())
                .isEqualTo(1_700_000_000_123L);
        assertThat(OffsetDateTime.of(2023, 11, 14, 22, 13, 20, 123_000_000, ZoneOffset.UTC))
                .isNotNull();
    }

    @Test
    void nestedTypesRoundTrip() throws Exception {
        RowType inner =
                rowType(
                        "name", new VarCharType(VarCharType.MAX_LENGTH),
                        "tags", new ArrayType(new VarCharType(VarCharType.MAX_LENGTH)));
        RowType type =
                rowType(
                        "ints", new ArrayType(new IntType()),
                        "attrs",
                                new MapType(
                                        new VarCharType(VarCharType.MAX_LENGTH),
                                        new ArrayType(inner)),
                        "bag", new MultisetType(new VarCharType(VarCharType.MAX_LENGTH)),
                        "person", inner);
        Map<Object, Object> attrs = new LinkedHashMap<>();
        attrs.put(
                StringData.fromString("k1"),
                new GenericArrayData(
                        new Object[] {
                            GenericRowData.of(
                                    StringData.fromString("a"),
                                    new GenericArrayData(
                                            new Object[] {StringData.fromString("x"), null})),
                            null
                        }));
        attrs.put(StringData.fromString("k2"), null);
        Map<Object, Object> bag = new HashMap<>();
        bag.put(StringData.fromString("apple"), 3);
        Path file =
                write(
                        type,
                        GenericRowData.of(
                                new GenericArrayData(new Object[] {1, null, 3}),
                                new GenericMapData(attrs),
                                new GenericMapData(bag),
                                GenericRowData.of(
                                        StringData.fromString("p"),
                                        new GenericArrayData(new Object[0]))),
                        GenericRowData.of(new GenericArrayData(new Object[0]), null, null, null));

        List<List<Object>> rows =
                read(
                        file,
                        "CAST(ints AS VARCHAR), attrs['k1'][1].name, attrs['k1'][1].tags[1],"
                                + " attrs['k1'][1].tags[2] IS NULL, attrs['k1'][2] IS NULL,"
                                + " attrs['k2'] IS NULL, bag['apple'], person.name,"
                                + " len(person.tags)");
        assertThat(rows.get(0))
                .containsExactly("[1, NULL, 3]", "a", "x", true, true, true, 3, "p", 0L);
        assertThat(rows.get(1).get(0)).isEqualTo("[]");
        assertThat(rows.get(1).get(1)).isNull();
    }

    @Test
    void nullsInNotNullColumnsAndNullMapKeysFailNamingTheColumn() throws Exception {
        RowType type =
                RowType.of(
                        new LogicalType[] {
                            new BigIntType(false),
                            new MapType(new VarCharType(VarCharType.MAX_LENGTH), new IntType())
                        },
                        new String[] {"id", "m"});
        HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(type, ParquetWriterOptions.defaults())
                        .create(dir.resolve("bad.parquet"));
        assertThatThrownBy(() -> writer.write(GenericRowData.of(null, null)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'id'");
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        HotdataParquetFileWriter other =
                new HotdataParquetWriterFactory(type, ParquetWriterOptions.defaults())
                        .create(dir.resolve("bad2.parquet"));
        assertThatThrownBy(() -> other.write(GenericRowData.of(1L, new GenericMapData(nullKey))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'m'")
                .hasMessageContaining("NULL map key");
        other.close();
        assertThat(dir.resolve("bad2.parquet")).doesNotExist();
    }

    @Test
    void everyCodecIsReadableAndNamedInTheFooter() throws Exception {
        RowType type = rowType("id", new BigIntType(), "s", new VarCharType(100));
        for (ParquetCompression compression : ParquetCompression.values()) {
            RowData[] rows = new RowData[1000];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = GenericRowData.of((long) i, StringData.fromString("value " + (i % 10)));
            }
            Path file =
                    write(
                            type,
                            ParquetWriterOptions.builder().compression(compression).build(),
                            rows);
            List<List<Object>> stats = read(file, "count(*), CAST(sum(id) AS BIGINT)");
            assertThat(stats.get(0)).containsExactly(1000L, 499500L);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    ResultSet rs =
                            c.createStatement()
                                    .executeQuery(
                                            "SELECT DISTINCT compression FROM parquet_metadata('"
                                                    + file
                                                    + "')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(compression.codec().name());
            }
        }
    }

    @Test
    void writingLoadsNoHadoopClass() throws Exception {
        write(
                rowType("id", new BigIntType(), "ts", new LocalZonedTimestampType(3)),
                ParquetWriterOptions.builder().compression(ParquetCompression.ZSTD).build(),
                GenericRowData.of(1L, TimestampData.fromEpochMillis(0)));
        write(
                rowType("id", new BigIntType()),
                ParquetWriterOptions.builder().compression(ParquetCompression.SNAPPY).build(),
                GenericRowData.of(1L));
        Method findLoadedClass =
                ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        findLoadedClass.setAccessible(true);
        ClassLoader loader = HotdataParquetWriterFactory.class.getClassLoader();
        for (String hadoopClass :
                new String[] {
                    "org.apache.hadoop.conf.Configuration", "org.apache.hadoop.conf.Configurable"
                }) {
            assertThat(findLoadedClass.invoke(loader, hadoopClass)).as(hadoopClass).isNull();
        }
    }

    @Test
    void rowGroupsBoundTheHeapAndTheSizeEstimateTracksTheFile() throws Exception {
        RowType type =
                rowType(
                        "id", new BigIntType(false),
                        "a", new IntType(),
                        "b", new DecimalType(12, 2),
                        "c", new DecimalType(20, 4),
                        "name", new VarCharType(VarCharType.MAX_LENGTH),
                        "city", new VarCharType(VarCharType.MAX_LENGTH),
                        "ts", new LocalZonedTimestampType(3),
                        "day", new DateType(),
                        "flag", new BooleanType(),
                        "score", new DoubleType(),
                        "qty", new BigIntType(),
                        "note", new VarCharType(VarCharType.MAX_LENGTH));
        long rowGroup = 1024L * 1024;
        Path file = dir.resolve("big.parquet");
        HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(
                                type,
                                ParquetWriterOptions.builder().rowGroupSizeBytes(rowGroup).build())
                        .create(file);
        int rows = 500_000;
        long peakBuffered = 0;
        GenericRowData row = new GenericRowData(12);
        long start = System.nanoTime();
        for (int i = 0; i < rows; i++) {
            row.setField(0, (long) i);
            row.setField(1, i % 1000);
            row.setField(2, DecimalData.fromUnscaledLong(i * 13L, 12, 2));
            row.setField(3, DecimalData.fromBigDecimal(BigDecimal.valueOf(i, 4), 20, 4));
            row.setField(4, StringData.fromString("customer-" + (i % 5000)));
            row.setField(5, StringData.fromString(i % 2 == 0 ? "Berlin" : "Lisbon"));
            row.setField(6, TimestampData.fromEpochMillis(1_700_000_000_000L + i));
            row.setField(7, 19_000 + i % 365);
            row.setField(8, i % 3 == 0);
            row.setField(9, i / 7.0);
            row.setField(10, (long) i * 31);
            row.setField(11, StringData.fromString("note " + Integer.toHexString(i)));
            writer.write(row);
            if (i % 1000 == 0) {
                peakBuffered = Math.max(peakBuffered, writer.bufferedBytes());
            }
        }
        long estimate = writer.estimatedSizeBytes();
        writer.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        long size = Files.size(file);
        System.out.printf(
                "Parquet writer: %d rows, 12 columns, %.0f rows/s, %d bytes (zstd)%n",
                rows, rows / seconds, size);

        assertThat(peakBuffered).isPositive().isLessThan(2 * rowGroup);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT count(DISTINCT row_group_id) FROM"
                                                + " parquet_metadata('"
                                                + file
                                                + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("row groups flushed to disk").isGreaterThan(2);
        }
        assertThat((double) estimate).isBetween(size * 0.5, size * 2.0);
        assertThat(read(file, "count(*), max(id)").get(0))
                .containsExactly((long) rows, (long) rows - 1);
    }
}
