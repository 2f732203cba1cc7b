package dev.hotdata.flink.connector.format;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** File writer lifecycle, codecs without Hadoop, and values the columns cannot hold. */
class HotdataParquetFileWriterTest {

    @TempDir Path dir;

    private static final RowType SIMPLE =
            (RowType)
                    DataTypes.ROW(
                                    FIELD("id", DataTypes.BIGINT().notNull()),
                                    FIELD("name", DataTypes.STRING()))
                            .getLogicalType();

    private static RowData simple(long id, String name) {
        return GenericRowData.of(id, name == null ? null : StringData.fromString(name));
    }

    private static HotdataParquetFileWriter open(Path file, RowType type) throws Exception {
        return new HotdataParquetWriterFactory(type, ParquetWriterOptions.defaults()).create(file);
    }

    @Test
    void hadoopIsNotOnTheClasspath() {
        // the writes in this module's tests therefore prove the write path never loads Hadoop
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configurable"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @ParameterizedTest
    @EnumSource(ParquetCompression.class)
    void everyCodecWritesWithoutHadoopAndIsRecordedInTheFooter(ParquetCompression codec)
            throws Exception {
        List<RowData> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            rows.add(simple(i, "name-" + (i % 17)));
        }
        Path file =
                Writers.write(
                        dir.resolve(codec + ".parquet"),
                        SIMPLE,
                        ParquetWriterOptions.builder().compression(codec).build(),
                        rows);
        assertThat(
                        DuckDb.single(
                                file,
                                "SELECT count(*), sum(id)::BIGINT, count(DISTINCT name) FROM FILE"))
                .containsExactly(5000L, 12497500L, 17L);
        String path = file.toAbsolutePath().toString();
        assertThat(
                        DuckDb.query(
                                file,
                                "SELECT DISTINCT compression FROM parquet_metadata('"
                                        + path
                                        + "')"))
                .containsExactly(Collections.singletonList(codec.name()));
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void compressionNamesParse() {
        assertThat(ParquetCompression.fromName("zstd")).isEqualTo(ParquetCompression.ZSTD);
        assertThat(ParquetCompression.fromName(" Snappy ")).isEqualTo(ParquetCompression.SNAPPY);
        assertThat(ParquetCompression.fromName("none")).isEqualTo(ParquetCompression.UNCOMPRESSED);
        assertThatThrownBy(() -> ParquetCompression.fromName("lzo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Supported: zstd, snappy, gzip");
    }

    @Test
    void finishKeepsTheFileAndCloseAfterFinishIsANoOp() throws Exception {
        Path file = dir.resolve("kept.parquet");
        HotdataParquetFileWriter w = open(file, SIMPLE);
        w.write(simple(1, "a"));
        w.write(simple(2, null));
        assertThat(w.rowCount()).isEqualTo(2);
        assertThat(w.path()).isEqualTo(file);
        w.finish();
        assertThat(w.isFinished()).isTrue();
        assertThat(w.fileSizeBytes()).isEqualTo(Files.size(file));
        assertThat(w.estimatedSizeBytes()).isEqualTo(Files.size(file));
        assertThat(w.bufferedBytes()).isZero();
        w.close();
        w.close();
        assertThat(file).exists();
        assertThat(DuckDb.query(file, "SELECT id, name FROM FILE ORDER BY id"))
                .containsExactly(Arrays.asList(1L, "a"), Arrays.asList(2L, null));
        assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.write(simple(3, "c"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithoutFinishDiscardsThePartialFile() throws Exception {
        Path file = dir.resolve("aborted.parquet");
        HotdataParquetFileWriter w = open(file, SIMPLE);
        for (int i = 0; i < 1000; i++) {
            w.write(simple(i, "x"));
        }
        assertThat(file).exists();
        w.close();
        assertThat(file).doesNotExist();
        assertThat(w.bufferedBytes()).isZero();
        assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws Exception {
        Path file = dir.resolve("exists.parquet");
        Files.write(file, "keep me".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> open(file, SIMPLE)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
                .isEqualTo("keep me");
    }

    @Test
    void aFileWithoutRowsIsValid() throws Exception {
        Path file = dir.resolve("empty.parquet");
        try (HotdataParquetFileWriter w = open(file, SIMPLE)) {
            w.finish();
        }
        assertThat(DuckDb.single(file, "SELECT count(*) FROM FILE")).containsExactly(0L);
        assertThat(
                        DuckDb.query(
                                file,
                                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM FILE)"))
                .containsExactly(Arrays.asList("id", "BIGINT"), Arrays.asList("name", "VARCHAR"));
    }

    @Test
    void nullInNotNullColumnFailsNamingItAndPoisonsTheWriter() throws Exception {
        Path file = dir.resolve("bad-null.parquet");
        HotdataParquetFileWriter w = open(file, SIMPLE);
        w.write(simple(1, "ok"));
        assertThatThrownBy(() -> w.write(GenericRowData.of(null, StringData.fromString("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Column 'id' is NOT NULL but the row has a null value there");
        assertThatThrownBy(() -> w.write(simple(2, "ok")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed earlier");
        assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
        w.close();
        assertThat(file).doesNotExist();
    }

    @Test
    void nullMapKeyFailsNamingTheColumn() throws Exception {
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        FIELD(
                                                "p",
                                                DataTypes.ROW(
                                                        FIELD(
                                                                "m",
                                                                DataTypes.MAP(
                                                                        DataTypes.STRING(),
                                                                        DataTypes.INT())))))
                                .getLogicalType();
        Map<Object, Object> m = new HashMap<>();
        m.put(null, 1);
        try (HotdataParquetFileWriter w = open(dir.resolve("null-key.parquet"), type)) {
            assertThatThrownBy(
                            () ->
                                    w.write(
                                            GenericRowData.of(
                                                    GenericRowData.of(new GenericMapData(m)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Column 'p.m.<key>' has a null map key");
        }
    }

    @Test
    void nullElementOfNotNullArrayFailsNamingTheElement() throws Exception {
        RowType type =
                (RowType)
                        DataTypes.ROW(FIELD("tags", DataTypes.ARRAY(DataTypes.INT().notNull())))
                                .getLogicalType();
        try (HotdataParquetFileWriter w = open(dir.resolve("null-elem.parquet"), type)) {
            assertThatThrownBy(
                            () ->
                                    w.write(
                                            GenericRowData.of(
                                                    new GenericArrayData(new Object[] {1, null}))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Column 'tags.<element>' is NOT NULL");
        }
    }

    @Test
    void decimalsThatDoNotFitFail() throws Exception {
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        FIELD("small", DataTypes.DECIMAL(5, 2)),
                                        FIELD("wide", DataTypes.DECIMAL(20, 2)))
                                .getLogicalType();
        try (HotdataParquetFileWriter w = open(dir.resolve("d1.parquet"), type)) {
            assertThatThrownBy(
                            () ->
                                    w.write(
                                            GenericRowData.of(
                                                    DecimalData.fromBigDecimal(
                                                            new BigDecimal("1234.5"), 6, 1),
                                                    null)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Column 'small' is DECIMAL(5, 2)")
                    .hasMessageContaining("does not fit");
        }
        try (HotdataParquetFileWriter w = open(dir.resolve("d2.parquet"), type)) {
            assertThatThrownBy(
                            () ->
                                    w.write(
                                            GenericRowData.of(
                                                    null,
                                                    DecimalData.fromBigDecimal(
                                                            new BigDecimal("1.125"), 4, 3))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Column 'wide' is DECIMAL(20, 2)")
                    .hasMessageContaining("more fractional digits");
        }
    }

    @Test
    void nanosTimestampsOutOfRangeFail() throws Exception {
        RowType type =
                (RowType) DataTypes.ROW(FIELD("ts", DataTypes.TIMESTAMP(9))).getLogicalType();
        ParquetWriterOptions nanos =
                ParquetWriterOptions.builder().timestampUnit(ParquetTimestampUnit.NANOS).build();
        try (HotdataParquetFileWriter w =
                new HotdataParquetWriterFactory(type, nanos).create(dir.resolve("ns.parquet"))) {
            assertThatThrownBy(
                            () ->
                                    w.write(
                                            GenericRowData.of(
                                                    TimestampData.fromLocalDateTime(
                                                            LocalDateTime.of(2300, 1, 1, 0, 0)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Column 'ts'")
                    .hasMessageContaining("outside the range of NANOS");
        }
    }

    @Test
    void factoryIsSerializable() throws Exception {
        HotdataParquetWriterFactory factory =
                new HotdataParquetWriterFactory(
                        SIMPLE,
                        ParquetWriterOptions.builder()
                                .compression(ParquetCompression.SNAPPY)
                                .build());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(factory);
        }
        HotdataParquetWriterFactory copy;
        try (java.io.ObjectInputStream in =
                new java.io.ObjectInputStream(
                        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (HotdataParquetWriterFactory) in.readObject();
        }
        assertThat(copy.options()).isEqualTo(factory.options());
        Path file = dir.resolve("copy.parquet");
        try (HotdataParquetFileWriter w = copy.create(file)) {
            w.write(simple(7, "seven"));
            w.finish();
        }
        assertThat(DuckDb.single(file, "SELECT id, name FROM FILE")).containsExactly(7L, "seven");
    }

    @Test
    void optionsValidateTheirBounds() {
        assertThatThrownBy(() -> ParquetWriterOptions.builder().rowGroupSizeBytes(1000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParquetWriterOptions.builder().pageSizeBytes(10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                ParquetWriterOptions.builder()
                                        .rowGroupSizeBytes(128 * 1024)
                                        .pageSizeBytes(1024 * 1024)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        ParquetWriterOptions d = ParquetWriterOptions.defaults();
        assertThat(d.compression()).isEqualTo(ParquetCompression.ZSTD);
        assertThat(d.rowGroupSizeBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(d.pageSizeBytes()).isEqualTo(1024 * 1024);
        assertThat(d.dictionaryEnabled()).isTrue();
        assertThat(d.timestampUnit()).isEqualTo(ParquetTimestampUnit.MICROS);
        assertThat(d.zstdLevel()).isEqualTo(1);
        assertThatThrownBy(() -> ParquetWriterOptions.builder().zstdLevel(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParquetWriterOptions.builder().zstdLevel(23))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ParquetWriterOptions.builder().zstdLevel(19).build())
                .isNotEqualTo(d)
                .hasToString(
                        "ParquetWriterOptions{compression=ZSTD, rowGroupSizeBytes=8388608,"
                                + " pageSizeBytes=1048576, dictionaryEnabled=true,"
                                + " timestampUnit=MICROS, zstdLevel=19}");
    }

    @Test
    void theZstdLevelIsApplied() throws Exception {
        List<RowData> rows = new java.util.ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            // text that compresses, but not trivially
            rows.add(simple(i, "name-" + random.nextInt(100_000) + "-" + (i % 97)));
        }
        ParquetWriterOptions.Builder noDictionary =
                ParquetWriterOptions.builder().dictionaryEnabled(false);
        Map<Long, Integer> levelsBySize = new HashMap<>();
        Object contents = null;
        for (int level : new int[] {1, 3, 19}) {
            Path file =
                    Writers.write(
                            dir.resolve("l" + level + ".parquet"),
                            SIMPLE,
                            noDictionary.zstdLevel(level).build(),
                            rows);
            // a higher level is not always smaller (level 1 parses differently), but it differs
            assertThat(levelsBySize.put(Files.size(file), level)).as("level %d", level).isNull();
            Object read =
                    DuckDb.single(file, "SELECT count(*), sum(id)::BIGINT, max(name) FROM FILE");
            if (contents != null) {
                assertThat(read).isEqualTo(contents);
            }
            contents = read;
        }
    }
}
