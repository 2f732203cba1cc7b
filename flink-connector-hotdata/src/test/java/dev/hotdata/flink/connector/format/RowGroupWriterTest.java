package dev.hotdata.flink.connector.format;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.RowType;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RowGroupWriter} (with its direct path for flat schemas) writes byte for byte the file that
 * parquet-java's own {@code ParquetWriter} writes from the same rows, write support, codecs and
 * settings: same pages, row groups, statistics, indexes and footer. Small row groups and pages so
 * that a file has many of each; nulls in every nullable column.
 */
class RowGroupWriterTest {

    private static final int ROWS = 40_000;

    @TempDir Path dir;

    static final RowType FLAT =
            (RowType)
                    DataTypes.ROW(
                                    FIELD("id", DataTypes.BIGINT().notNull()),
                                    FIELD("customer", DataTypes.STRING()),
                                    FIELD("qty", DataTypes.INT()),
                                    FIELD("price", DataTypes.DECIMAL(10, 2)),
                                    FIELD("amount", DataTypes.DECIMAL(18, 4)),
                                    FIELD("big", DataTypes.DECIMAL(38, 10)),
                                    FIELD("created", DataTypes.TIMESTAMP(6)),
                                    FIELD("updated_at", DataTypes.TIMESTAMP_LTZ(3).notNull()),
                                    FIELD("day", DataTypes.DATE()),
                                    FIELD("active", DataTypes.BOOLEAN()),
                                    FIELD("score", DataTypes.DOUBLE()),
                                    FIELD("ratio", DataTypes.FLOAT()),
                                    FIELD("small", DataTypes.SMALLINT()),
                                    FIELD("payload", DataTypes.BYTES()))
                            .getLogicalType();

    private static Object nullable(SplittableRandom random, Object value) {
        return random.nextInt(7) == 0 ? null : value;
    }

    static RowData flatRow(long i, SplittableRandom r) {
        return GenericRowData.of(
                i,
                nullable(r, StringData.fromString("customer-" + r.nextInt(5_000))),
                nullable(r, r.nextInt(100)),
                nullable(
                        r,
                        DecimalData.fromUnscaledLong(r.nextLong(-99_999_999L, 99_999_999L), 10, 2)),
                nullable(r, DecimalData.fromUnscaledLong(r.nextLong(), 18, 4)),
                nullable(
                        r,
                        DecimalData.fromBigDecimal(BigDecimal.valueOf(r.nextLong(), 10), 38, 10)),
                nullable(
                        r,
                        TimestampData.fromEpochMillis(
                                1_700_000_000_000L + i * 1000, r.nextInt(1000) * 1000)),
                TimestampData.fromEpochMillis(1_700_000_000_000L + r.nextInt(1_000_000_000)),
                nullable(r, 19_000 + (int) (i % 1000)),
                nullable(r, r.nextBoolean()),
                nullable(r, r.nextDouble()),
                nullable(r, (float) r.nextDouble()),
                nullable(r, (short) r.nextInt(Short.MAX_VALUE)),
                nullable(r, new byte[] {(byte) i, (byte) r.nextInt(), 1, 2}));
    }

    @ParameterizedTest
    @EnumSource(ParquetCompression.class)
    void flatSchemaFileIsTheFileParquetWriterWrites(ParquetCompression codec) throws Exception {
        assertThat(
                        FlatRecordConsumer.isFlat(
                                HotdataTypeSupport.toParquetSchema(
                                        FLAT, ParquetTimestampUnit.MICROS)))
                .isTrue();
        assertSameFiles(FLAT, codec, true, RowGroupWriterTest::flatRow);
    }

    @ParameterizedTest
    @EnumSource(
            value = ParquetCompression.class,
            names = {"ZSTD", "UNCOMPRESSED"})
    void nestedSchemaFileIsTheFileParquetWriterWrites(ParquetCompression codec) throws Exception {
        RowType nested = HotdataParquetBoundedHeapTest.TWELVE_COLUMNS;
        assertThat(
                        FlatRecordConsumer.isFlat(
                                HotdataTypeSupport.toParquetSchema(
                                        nested, ParquetTimestampUnit.MICROS)))
                .isFalse();
        assertSameFiles(nested, codec, true, HotdataParquetBoundedHeapTest::row);
    }

    @ParameterizedTest
    @EnumSource(
            value = ParquetCompression.class,
            names = {"ZSTD"})
    void withoutDictionaryTheFilesAreTheSameToo(ParquetCompression codec) throws Exception {
        assertSameFiles(FLAT, codec, false, RowGroupWriterTest::flatRow);
    }

    /** A row from a row number and a random source. */
    interface Rows {
        RowData row(long i, SplittableRandom random);
    }

    private void assertSameFiles(
            RowType type, ParquetCompression codec, boolean dictionary, Rows rows)
            throws Exception {
        ParquetWriterOptions options =
                ParquetWriterOptions.builder()
                        .compression(codec)
                        .rowGroupSizeBytes(256 * 1024)
                        .pageSizeBytes(8 * 1024)
                        .dictionaryEnabled(dictionary)
                        .build();
        Path ours = dir.resolve("ours-" + codec + ".parquet");
        Path theirs = dir.resolve("parquet-java-" + codec + ".parquet");

        SplittableRandom random = new SplittableRandom(7);
        long groupsSeen;
        try (HotdataParquetFileWriter w =
                new HotdataParquetWriterFactory(type, options).create(ours)) {
            for (long i = 0; i < ROWS; i++) {
                w.write(rows.row(i, random));
            }
            w.finish();
        }

        MessageType schema = HotdataTypeSupport.toParquetSchema(type, options.timestampUnit());
        HotdataCodecFactory codecs = new HotdataCodecFactory(options.zstdLevel());
        random = new SplittableRandom(7);
        try (ParquetWriter<RowData> w =
                new ReferenceBuilder(
                                new LocalParquetOutputFile(theirs),
                                new RowDataWriteSupport(type, schema, options.timestampUnit()))
                        .withConf(new PlainParquetConfiguration())
                        .withCodecFactory(codecs)
                        .withWriteMode(ParquetFileWriter.Mode.CREATE)
                        .withCompressionCodec(codec.codecName())
                        .withRowGroupSize(options.rowGroupSizeBytes())
                        .withPageSize(options.pageSizeBytes())
                        .withDictionaryPageSize(options.pageSizeBytes())
                        .withDictionaryEncoding(options.dictionaryEnabled())
                        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                        .withMaxPaddingSize(0)
                        .withValidation(false)
                        .build()) {
            for (long i = 0; i < ROWS; i++) {
                w.write(rows.row(i, random));
            }
        }

        String path = ours.toAbsolutePath().toString();
        List<Object> meta =
                DuckDb.single(
                        ours,
                        "SELECT count(DISTINCT row_group_id), count(*) FROM parquet_metadata('"
                                + path
                                + "')");
        groupsSeen = (Long) meta.get(0);
        assertThat(groupsSeen).as("row groups").isGreaterThan(3L);
        assertThat(Files.size(ours)).isEqualTo(Files.size(theirs));
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(theirs));
        assertThat(DuckDb.single(ours, "SELECT count(*) FROM FILE")).containsExactly((long) ROWS);
    }

    /** parquet-java's writer, configured without Hadoop, as the format package used it before. */
    private static final class ReferenceBuilder
            extends ParquetWriter.Builder<RowData, ReferenceBuilder> {
        private final WriteSupport<RowData> writeSupport;

        ReferenceBuilder(OutputFile file, WriteSupport<RowData> writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected ReferenceBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<RowData> getWriteSupport(ParquetConfiguration conf) {
            return writeSupport;
        }

        @Override
        @Deprecated
        protected WriteSupport<RowData> getWriteSupport(Configuration conf) {
            return writeSupport;
        }
    }
}
