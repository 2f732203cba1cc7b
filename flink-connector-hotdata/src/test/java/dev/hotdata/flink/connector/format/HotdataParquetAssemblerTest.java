package dev.hotdata.flink.connector.format;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Assembles files written by {@link HotdataParquetWriterFactory} and checks the result with DuckDB
 * (the rows, and its view of the row groups) and with parquet-java's reader (the footer, the
 * indexes, and the column chunks' bytes).
 */
class HotdataParquetAssemblerTest {

    @TempDir Path dir;

    /** Every type family the writer supports: scalars, timestamps and nested types. */
    private static final RowType TYPE =
            (RowType)
                    DataTypes.ROW(
                                    FIELD("id", DataTypes.BIGINT().notNull()),
                                    FIELD("b", DataTypes.BOOLEAN()),
                                    FIELD("ti", DataTypes.TINYINT()),
                                    FIELD("si", DataTypes.SMALLINT()),
                                    FIELD("i", DataTypes.INT()),
                                    FIELD("f", DataTypes.FLOAT()),
                                    FIELD("d", DataTypes.DOUBLE()),
                                    FIELD("c", DataTypes.CHAR(3)),
                                    FIELD("s", DataTypes.STRING()),
                                    FIELD("bin", DataTypes.BYTES()),
                                    FIELD("d52", DataTypes.DECIMAL(5, 2)),
                                    FIELD("d184", DataTypes.DECIMAL(18, 4)),
                                    FIELD("d3810", DataTypes.DECIMAL(38, 10)),
                                    FIELD("dt", DataTypes.DATE()),
                                    FIELD("t", DataTypes.TIME(3)),
                                    FIELD("ts", DataTypes.TIMESTAMP(6)),
                                    FIELD("ltz", DataTypes.TIMESTAMP_LTZ(6)),
                                    FIELD("tags", DataTypes.ARRAY(DataTypes.STRING())),
                                    FIELD(
                                            "attrs",
                                            DataTypes.MAP(DataTypes.STRING(), DataTypes.BIGINT())),
                                    FIELD(
                                            "point",
                                            DataTypes.ROW(
                                                    FIELD("x", DataTypes.INT()),
                                                    FIELD("y", DataTypes.STRING()))))
                            .getLogicalType();

    /** Small row groups and pages, so inputs have several of each. */
    private static final ParquetWriterOptions SMALL_GROUPS =
            ParquetWriterOptions.builder().rowGroupSizeBytes(64 * 1024).pageSizeBytes(4096).build();

    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};

    private long nextId;

    // ---- rows ----

    @Test
    void assembledFileHoldsTheInputsRowsInOrder() throws Exception {
        List<Path> files =
                Arrays.asList(input("a", 1), input("b", 3000), input("c", 17), input("d", 1200));
        assertThat(footer(files.get(1)).getBlocks())
                .as("precondition: an input with several row groups")
                .hasSizeGreaterThan(1);
        Path out = dir.resolve("out.parquet");

        HotdataParquetAssembler.Result result = HotdataParquetAssembler.assemble(bytes(files), out);

        assertThat(rows(out)).containsExactlyElementsOf(concatRows(files));
        long inputRows = 0;
        int inputGroups = 0;
        for (Path f : files) {
            inputRows += (Long) DuckDb.single(f, "SELECT count(*) FROM FILE").get(0);
            inputGroups += footer(f).getBlocks().size();
        }
        assertThat(result.rowCount()).isEqualTo(inputRows);
        assertThat(result.rowGroupCount()).isEqualTo(inputGroups);
        assertThat(result.sizeBytes()).isEqualTo(Files.size(out));
        assertThat(result.path()).isEqualTo(out);
        assertThat(result.copiedVerbatim()).isFalse();
        // the writer's key-value metadata (its object model) is kept
        assertThat(footer(out).getFileMetaData().getKeyValueMetaData())
                .isEqualTo(footer(files.get(0)).getFileMetaData().getKeyValueMetaData())
                .containsKey(ParquetWriter.OBJECT_MODEL_NAME_PROP);
        assertThat(footer(out).getFileMetaData().getSchema())
                .isEqualTo(new HotdataParquetWriterFactory(TYPE, SMALL_GROUPS).parquetSchema());
    }

    @Test
    void manySmallInputsFromFilesBecomeOneRowGroupEach() throws Exception {
        Random sizes = new Random(64);
        List<Path> files = new ArrayList<>();
        List<HotdataParquetAssembler.Input> inputs = new ArrayList<>();
        for (int n = 0; n < 64; n++) {
            Path f = input("small-" + n, 1 + sizes.nextInt(20));
            files.add(f);
            inputs.add(HotdataParquetAssembler.Input.of(f));
        }
        Path out = dir.resolve("out.parquet");

        HotdataParquetAssembler.Result result = HotdataParquetAssembler.assemble(inputs, out);

        List<String> expected = concatRows(files);
        assertThat(rows(out)).containsExactlyElementsOf(expected);
        assertThat(result.rowCount()).isEqualTo(expected.size());
        assertThat(result.rowGroupCount()).isEqualTo(64);
        assertThat(footer(out).getBlocks()).hasSize(64);
    }

    // ---- the row groups are the inputs' ----

    @Test
    void rowGroupsAreTheInputsAsDuckDbSeesThem() throws Exception {
        List<Path> files = Arrays.asList(input("a", 2000), input("b", 5), input("c", 900));
        Path out = dir.resolve("out.parquet");
        HotdataParquetAssembler.assemble(bytes(files), out);

        List<List<Object>> expected = new ArrayList<>();
        for (Path f : files) {
            expected.addAll(chunkMetadata(f));
        }
        int columns = footer(out).getFileMetaData().getSchema().getColumns().size();
        assertThat(expected)
                .as("precondition: more row groups than files")
                .hasSizeGreaterThan(files.size() * columns);
        // per column chunk, in order: rows of its group, column, codec, encodings, statistics,
        // values, compressed and uncompressed size
        assertThat(chunkMetadata(out)).containsExactlyElementsOf(expected);
    }

    @Test
    void columnChunksAreCopiedByteForByteWithRebasedOffsetsAndTheirIndexes() throws Exception {
        List<Path> files = Arrays.asList(input("a", 2500), input("b", 300), input("c", 1));
        Path out = dir.resolve("out.parquet");
        HotdataParquetAssembler.assemble(bytes(files), out);

        byte[] outBytes = Files.readAllBytes(out);
        List<Chunk> expected = new ArrayList<>();
        for (Path f : files) {
            expected.addAll(chunks(f));
        }
        List<Chunk> actual = chunks(out);
        assertThat(actual).hasSameSizeAs(expected);
        boolean sawDictionary = false;
        boolean sawSeveralPages = false;
        boolean sawMovedChunk = false;
        for (int k = 0; k < expected.size(); k++) {
            Chunk in = expected.get(k);
            Chunk o = actual.get(k);
            String what = "chunk " + k + " (" + in.meta.getPath() + ")";
            ColumnChunkMetaData im = in.meta;
            ColumnChunkMetaData om = o.meta;
            assertThat(om.getPath()).as(what).isEqualTo(im.getPath());
            assertThat(o.rowGroupRows).as(what).isEqualTo(in.rowGroupRows);
            assertThat(om.getCodec()).as(what).isEqualTo(im.getCodec());
            assertThat(om.getEncodings()).as(what).isEqualTo(im.getEncodings());
            assertThat(om.getStatistics()).as(what).isEqualTo(im.getStatistics());
            assertThat(om.getValueCount()).as(what).isEqualTo(im.getValueCount());
            assertThat(om.getTotalSize()).as(what).isEqualTo(im.getTotalSize());
            assertThat(om.getTotalUncompressedSize())
                    .as(what)
                    .isEqualTo(im.getTotalUncompressedSize());

            // the same bytes: pages, headers, dictionary, checksums
            assertThat(slice(outBytes, om.getStartingPos(), om.getTotalSize()))
                    .as(what)
                    .isEqualTo(slice(in.fileBytes, im.getStartingPos(), im.getTotalSize()));

            // the offsets in the footer point to the same places within the chunk
            long delta = om.getStartingPos() - im.getStartingPos();
            sawMovedChunk |= delta != 0;
            assertThat(om.hasDictionaryPage()).as(what).isEqualTo(im.hasDictionaryPage());
            if (im.hasDictionaryPage()) {
                sawDictionary = true;
                assertThat(om.getDictionaryPageOffset())
                        .as(what)
                        .isEqualTo(im.getDictionaryPageOffset() + delta);
            }
            assertThat(om.getFirstDataPageOffset())
                    .as(what)
                    .isEqualTo(im.getFirstDataPageOffset() + delta);

            // the column index as written, the offset index moved with the chunk
            assertThat(in.columnIndex).as(what).isNotNull();
            assertThat(o.columnIndex).as(what).isNotNull();
            assertThat(o.columnIndex.getNullPages()).isEqualTo(in.columnIndex.getNullPages());
            assertThat(o.columnIndex.getNullCounts()).isEqualTo(in.columnIndex.getNullCounts());
            assertThat(o.columnIndex.getMinValues()).isEqualTo(in.columnIndex.getMinValues());
            assertThat(o.columnIndex.getMaxValues()).isEqualTo(in.columnIndex.getMaxValues());
            assertThat(o.columnIndex.getBoundaryOrder())
                    .isEqualTo(in.columnIndex.getBoundaryOrder());
            assertThat(o.offsetIndex.getPageCount())
                    .as(what)
                    .isEqualTo(in.offsetIndex.getPageCount());
            sawSeveralPages |= in.offsetIndex.getPageCount() > 1;
            for (int p = 0; p < in.offsetIndex.getPageCount(); p++) {
                assertThat(o.offsetIndex.getOffset(p))
                        .isEqualTo(in.offsetIndex.getOffset(p) + delta);
                assertThat(o.offsetIndex.getCompressedPageSize(p))
                        .isEqualTo(in.offsetIndex.getCompressedPageSize(p));
                assertThat(o.offsetIndex.getFirstRowIndex(p))
                        .isEqualTo(in.offsetIndex.getFirstRowIndex(p));
            }
        }
        assertThat(sawDictionary).as("precondition: dictionary pages").isTrue();
        assertThat(sawSeveralPages).as("precondition: chunks of several pages").isTrue();
        assertThat(sawMovedChunk).as("precondition: chunks at new offsets").isTrue();
    }

    @Test
    void bloomFiltersAreKept() throws Exception {
        // the writer factory writes none; parquet-java's column writers do when asked
        ParquetProperties props =
                ParquetProperties.builder()
                        .withPageSize(4096)
                        .withDictionaryEncoding(false) // else small columns skip the filter
                        .withBloomFilterEnabled("s", true)
                        .build();
        List<Path> files =
                Arrays.asList(
                        withProps("a", 800, props),
                        withProps("b", 3, props),
                        withProps("c", 600, props));
        Path out = dir.resolve("out.parquet");
        HotdataParquetAssembler.assemble(bytes(files), out);

        assertThat(rows(out)).containsExactlyElementsOf(concatRows(files));
        List<List<Object>> expected = new ArrayList<>();
        List<List<Object>> probes = new ArrayList<>();
        for (Path f : files) {
            expected.addAll(bloomFilters(f));
            probes.addAll(bloomProbe(f, "alpha-7"));
        }
        assertThat(expected).as("precondition: bloom filters").isNotEmpty();
        assertThat(bloomFilters(out)).isEqualTo(expected);
        assertThat(probes).as("precondition: a probe some filter excludes").contains(List.of(true));
        assertThat(bloomProbe(out, "alpha-7")).isEqualTo(probes);
        // and the filters' bytes are the inputs'
        List<BloomFilterBytes> in = new ArrayList<>();
        for (Path f : files) {
            in.addAll(bloomFilterBytes(f));
        }
        assertThat(bloomFilterBytes(out)).isEqualTo(in);
    }

    // ---- empty inputs, one input ----

    @Test
    void inputsWithoutRowsAreSkipped() throws Exception {
        Path a = input("a", 40);
        Path b = input("b", 2000);
        List<Path> files = Arrays.asList(input("e0", 0), a, input("e1", 0), b, input("e2", 0));
        Path out = dir.resolve("out.parquet");

        HotdataParquetAssembler.Result result = HotdataParquetAssembler.assemble(bytes(files), out);

        assertThat(rows(out)).containsExactlyElementsOf(concatRows(Arrays.asList(a, b)));
        assertThat(result.rowGroupCount())
                .isEqualTo(footer(a).getBlocks().size() + footer(b).getBlocks().size());
        assertThat(result.copiedVerbatim()).isFalse();
    }

    @Test
    void inputsAllWithoutRowsGiveAValidEmptyFile() throws Exception {
        List<Path> files = Arrays.asList(input("e0", 0), input("e1", 0), input("e2", 0));
        Path out = dir.resolve("out.parquet");

        HotdataParquetAssembler.Result result = HotdataParquetAssembler.assemble(bytes(files), out);

        assertThat(DuckDb.single(out, "SELECT count(*) FROM FILE").get(0)).isEqualTo(0L);
        assertThat(DuckDb.query(out, "DESCRIBE SELECT * FROM FILE"))
                .isEqualTo(DuckDb.query(files.get(0), "DESCRIBE SELECT * FROM FILE"));
        assertThat(result.rowCount()).isZero();
        assertThat(result.rowGroupCount()).isZero();
        assertThat(result.sizeBytes()).isEqualTo(Files.size(out));
        assertThat(footer(out).getBlocks()).isEmpty();
    }

    @Test
    void theOnlyInputWithRowsIsCopiedVerbatim() throws Exception {
        Path a = input("a", 1500);
        List<Path> files = Arrays.asList(input("e0", 0), a, input("e1", 0));
        Path out = dir.resolve("out.parquet");

        HotdataParquetAssembler.Result result = HotdataParquetAssembler.assemble(bytes(files), out);

        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(a));
        assertThat(result.copiedVerbatim()).isTrue();
        assertThat(result.rowCount())
                .isEqualTo(DuckDb.single(a, "SELECT count(*) FROM FILE").get(0));
        assertThat(result.rowGroupCount()).isEqualTo(footer(a).getBlocks().size());
        assertThat(result.sizeBytes()).isEqualTo(Files.size(a));
    }

    // ---- failures ----

    @Test
    void differentSchemasFailNamingBothInputs() throws Exception {
        RowType other =
                (RowType)
                        DataTypes.ROW(
                                        FIELD("id", DataTypes.BIGINT().notNull()),
                                        FIELD("s", DataTypes.INT()))
                                .getLogicalType();
        RowType mine =
                (RowType)
                        DataTypes.ROW(
                                        FIELD("id", DataTypes.BIGINT().notNull()),
                                        FIELD("s", DataTypes.STRING()))
                                .getLogicalType();
        Path x = Writers.write(dir.resolve("x.parquet"), mine, rowsOf(mine, 3));
        Path y = Writers.write(dir.resolve("y.parquet"), other, rowsOf(other, 3));
        Path out = dir.resolve("out.parquet");

        assertThatThrownBy(
                        () ->
                                HotdataParquetAssembler.assemble(
                                        Arrays.asList(
                                                HotdataParquetAssembler.Input.of(
                                                        "subtask-0", Files.readAllBytes(x)),
                                                HotdataParquetAssembler.Input.of(
                                                        "subtask-7", Files.readAllBytes(y))),
                                        out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different schemas")
                .hasMessageContaining("subtask-0")
                .hasMessageContaining("subtask-7")
                .hasMessageContaining("optional binary s (STRING)")
                .hasMessageContaining("optional int32 s");
        assertThat(out).doesNotExist();
    }

    @Test
    void schemaOfAnEmptyInputIsCheckedToo() throws Exception {
        RowType other =
                (RowType) DataTypes.ROW(FIELD("id", DataTypes.INT().notNull())).getLogicalType();
        Path y = Writers.write(dir.resolve("y.parquet"), other, Collections.emptyList());
        Path out = dir.resolve("out.parquet");

        assertThatThrownBy(
                        () ->
                                HotdataParquetAssembler.assemble(
                                        Arrays.asList(
                                                HotdataParquetAssembler.Input.of(input("a", 5)),
                                                HotdataParquetAssembler.Input.of(input("b", 5)),
                                                HotdataParquetAssembler.Input.of(y)),
                                        out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(y.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void differentKeyValueMetadataFailsNamingBothInputs() throws Exception {
        Path a = input("a", 5);
        // same schema, other footer metadata: written with parquet-java directly, no row groups
        Path odd = dir.resolve("odd.parquet");
        ParquetFileWriter w =
                new ParquetFileWriter(
                        new LocalParquetOutputFile(odd),
                        footer(a).getFileMetaData().getSchema(),
                        ParquetFileWriter.Mode.CREATE,
                        ParquetWriter.DEFAULT_BLOCK_SIZE,
                        0,
                        null,
                        ParquetProperties.builder().build());
        w.start();
        w.end(Collections.singletonMap("origin", "elsewhere"));
        Path out = dir.resolve("out.parquet");

        assertThatThrownBy(
                        () ->
                                HotdataParquetAssembler.assemble(
                                        Arrays.asList(
                                                HotdataParquetAssembler.Input.of(a),
                                                HotdataParquetAssembler.Input.of(odd)),
                                        out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key-value metadata")
                .hasMessageContaining(a.toString())
                .hasMessageContaining(odd.toString())
                .hasMessageContaining("origin=elsewhere");
        assertThat(out).doesNotExist();
    }

    @Test
    void notParquetFailsNamingTheInput() throws Exception {
        Path a = input("a", 5);
        Path out = dir.resolve("out.parquet");

        assertThatThrownBy(
                        () ->
                                HotdataParquetAssembler.assemble(
                                        Arrays.asList(
                                                HotdataParquetAssembler.Input.of(a),
                                                HotdataParquetAssembler.Input.of(
                                                        "subtask-3",
                                                        "not parquet at all"
                                                                .getBytes(StandardCharsets.UTF_8))),
                                        out))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("subtask-3");
        assertThat(out).doesNotExist();
    }

    @Test
    void anExistingTargetIsNeitherOverwrittenNorDeleted() throws Exception {
        List<Path> two = Arrays.asList(input("a", 5), input("b", 5));
        List<Path> one = Collections.singletonList(input("c", 5));
        Path out = Files.write(dir.resolve("out.parquet"), new byte[] {1, 2, 3});

        for (List<Path> files : Arrays.asList(two, one)) {
            assertThatThrownBy(() -> HotdataParquetAssembler.assemble(bytes(files), out))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(Files.readAllBytes(out)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void noInputsFail() {
        assertThatThrownBy(
                        () ->
                                HotdataParquetAssembler.assemble(
                                        Collections.emptyList(), dir.resolve("out.parquet")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No Parquet files");
    }

    // ---- helpers ----

    /** A file of {@code rows} generated rows, ids continuing from the previous file. */
    private Path input(String name, int rows) throws IOException {
        return Writers.write(
                dir.resolve(name + ".parquet"), TYPE, SMALL_GROUPS, rowsOf(TYPE, rows));
    }

    private List<RowData> rowsOf(RowType type, int count) {
        Random rnd = new Random(31 * nextId + count);
        List<RowData> rows = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            GenericRowData row = new GenericRowData(type.getFieldCount());
            row.setField(0, nextId++);
            for (int k = 1; k < type.getFieldCount(); k++) {
                String field = type.getFieldNames().get(k);
                row.setField(k, rnd.nextInt(8) == 0 ? null : value(field, type, k, rnd));
            }
            rows.add(row);
        }
        return rows;
    }

    private static Object value(String field, RowType type, int k, Random rnd) {
        switch (field) {
            case "b":
                return rnd.nextBoolean();
            case "ti":
                return (byte) rnd.nextInt();
            case "si":
                return (short) rnd.nextInt();
            case "i":
                return rnd.nextInt(1000); // few distinct values: dictionary pages
            case "f":
                return rnd.nextFloat() * 1000;
            case "d":
                return rnd.nextGaussian() * 1e6;
            case "c":
                return StringData.fromString(WORDS[rnd.nextInt(WORDS.length)].substring(0, 3));
            case "s":
                return type.getTypeAt(k).getTypeRoot() == LogicalTypeRoot.INTEGER
                        ? rnd.nextInt()
                        : StringData.fromString(
                                WORDS[rnd.nextInt(WORDS.length)] + "-" + rnd.nextInt(50));
            case "bin":
                byte[] b = new byte[rnd.nextInt(16)];
                rnd.nextBytes(b);
                return b;
            case "d52":
                return DecimalData.fromBigDecimal(
                        BigDecimal.valueOf(rnd.nextInt(199_999) - 99_999, 2), 5, 2);
            case "d184":
                return DecimalData.fromBigDecimal(
                        BigDecimal.valueOf(rnd.nextLong() / 100, 4), 18, 4);
            case "d3810":
                return DecimalData.fromBigDecimal(
                        new BigDecimal(rnd.nextLong() + "" + rnd.nextInt(Integer.MAX_VALUE))
                                .movePointLeft(10),
                        38,
                        10);
            case "dt":
                return rnd.nextInt(40_000) - 10_000;
            case "t":
                return rnd.nextInt(86_400_000);
            case "ts":
            case "ltz":
                return TimestampData.fromEpochMillis(
                        1_700_000_000_000L + rnd.nextInt(1_000_000_000), rnd.nextInt(1000) * 1000);
            case "tags":
                StringData[] tags = new StringData[rnd.nextInt(4)];
                for (int n = 0; n < tags.length; n++) {
                    tags[n] =
                            rnd.nextInt(6) == 0
                                    ? null
                                    : StringData.fromString(WORDS[rnd.nextInt(WORDS.length)]);
                }
                return new GenericArrayData(tags);
            case "attrs":
                Map<StringData, Long> attrs = new LinkedHashMap<>();
                for (int n = rnd.nextInt(3); n > 0; n--) {
                    attrs.put(
                            StringData.fromString(WORDS[rnd.nextInt(WORDS.length)]),
                            rnd.nextInt(5) == 0 ? null : rnd.nextLong());
                }
                return new GenericMapData(attrs);
            case "point":
                return GenericRowData.of(
                        rnd.nextInt(5) == 0 ? null : rnd.nextInt(100),
                        StringData.fromString(WORDS[rnd.nextInt(WORDS.length)]));
            default:
                throw new IllegalArgumentException(field);
        }
    }

    /** A file written by the connector's row-group writer with other Parquet properties. */
    private Path withProps(String name, int rows, ParquetProperties props) throws IOException {
        Path file = dir.resolve(name + ".parquet");
        MessageType schema = HotdataTypeSupport.toParquetSchema(TYPE, ParquetTimestampUnit.MICROS);
        RowDataWriteSupport support =
                new RowDataWriteSupport(TYPE, schema, ParquetTimestampUnit.MICROS);
        support.init(new PlainParquetConfiguration());
        HotdataCodecFactory codecs = new HotdataCodecFactory(1);
        try {
            RowGroupWriter w =
                    new RowGroupWriter(
                            new LocalParquetOutputFile(file),
                            schema,
                            support,
                            codecs.getCompressor(CompressionCodecName.ZSTD),
                            props,
                            64 * 1024);
            for (RowData row : rowsOf(TYPE, rows)) {
                w.write(row);
            }
            w.close();
        } finally {
            codecs.release();
        }
        return file;
    }

    /** DuckDB's view of the bloom filters: per row group and column, whether one exists. */
    private static List<List<Object>> bloomFilters(Path file) throws SQLException {
        String path = file.toAbsolutePath().toString().replace("'", "''");
        return DuckDb.query(
                file,
                "SELECT column_id, bloom_filter_offset IS NOT NULL AND bloom_filter_offset > 0"
                        + " FROM parquet_metadata('"
                        + path
                        + "') ORDER BY row_group_id, column_id");
    }

    /** Per row group, whether DuckDB's probe of column s for {@code value} excludes it. */
    private static List<List<Object>> bloomProbe(Path file, String value) throws SQLException {
        String path = file.toAbsolutePath().toString().replace("'", "''");
        return DuckDb.query(
                file,
                "SELECT bloom_filter_excludes FROM parquet_bloom_probe('"
                        + path
                        + "', 's', '"
                        + value
                        + "') ORDER BY row_group_id");
    }

    /** A bloom filter's bytes as DuckDB locates them (offset and length in the footer). */
    private static final class BloomFilterBytes {
        final long column;
        final List<Byte> bytes;

        BloomFilterBytes(long column, byte[] bytes) {
            this.column = column;
            this.bytes = new ArrayList<>();
            for (byte b : bytes) {
                this.bytes.add(b);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BloomFilterBytes
                    && ((BloomFilterBytes) o).column == column
                    && ((BloomFilterBytes) o).bytes.equals(bytes);
        }

        @Override
        public int hashCode() {
            return bytes.hashCode();
        }

        @Override
        public String toString() {
            return "column " + column + ": " + bytes.size() + " bytes";
        }
    }

    private static List<BloomFilterBytes> bloomFilterBytes(Path file)
            throws SQLException, IOException {
        byte[] all = Files.readAllBytes(file);
        String path = file.toAbsolutePath().toString().replace("'", "''");
        List<BloomFilterBytes> out = new ArrayList<>();
        for (List<Object> r :
                DuckDb.query(
                        file,
                        "SELECT column_id, bloom_filter_offset, bloom_filter_length"
                                + " FROM parquet_metadata('"
                                + path
                                + "') WHERE bloom_filter_offset > 0"
                                + " ORDER BY row_group_id, column_id")) {
            out.add(
                    new BloomFilterBytes(
                            (Long) r.get(0), slice(all, (Long) r.get(1), (Long) r.get(2))));
        }
        return out;
    }

    private static List<HotdataParquetAssembler.Input> bytes(List<Path> files) throws IOException {
        List<HotdataParquetAssembler.Input> inputs = new ArrayList<>();
        for (Path f : files) {
            inputs.add(
                    HotdataParquetAssembler.Input.of(
                            f.getFileName().toString(), Files.readAllBytes(f)));
        }
        return inputs;
    }

    /** Every row of the file in file order, as DuckDB's JSON of the whole row. */
    private static List<String> rows(Path file) throws SQLException {
        List<String> out = new ArrayList<>();
        for (List<Object> r : DuckDb.query(file, "SELECT to_json(r)::VARCHAR FROM FILE r")) {
            out.add((String) r.get(0));
        }
        return out;
    }

    private static List<String> concatRows(List<Path> files) throws SQLException {
        List<String> all = new ArrayList<>();
        for (Path f : files) {
            all.addAll(rows(f));
        }
        return all;
    }

    /** DuckDB's metadata of each column chunk, in file order, without the row group's number. */
    private static List<List<Object>> chunkMetadata(Path file) throws SQLException {
        String path = file.toAbsolutePath().toString().replace("'", "''");
        return DuckDb.query(
                file,
                "SELECT row_group_num_rows, column_id, path_in_schema, compression, encodings,"
                        + " stats_min_value, stats_max_value, stats_null_count, num_values,"
                        + " total_compressed_size, total_uncompressed_size"
                        + " FROM parquet_metadata('"
                        + path
                        + "') ORDER BY row_group_id, column_id");
    }

    private static ParquetMetadata footer(Path file) throws IOException {
        try (SeekableInputStream in = new LocalInputFile(file).newStream()) {
            return ParquetFileParts.readFooter(in, Files.size(file));
        }
    }

    /** A column chunk with what parquet-java reads about it, and its file's bytes. */
    private static final class Chunk {
        final long rowGroupRows;
        final ColumnChunkMetaData meta;
        final ColumnIndex columnIndex;
        final OffsetIndex offsetIndex;
        final byte[] fileBytes;

        Chunk(
                long rowGroupRows,
                ColumnChunkMetaData meta,
                ColumnIndex columnIndex,
                OffsetIndex offsetIndex,
                byte[] fileBytes) {
            this.rowGroupRows = rowGroupRows;
            this.meta = meta;
            this.columnIndex = columnIndex;
            this.offsetIndex = offsetIndex;
            this.fileBytes = fileBytes;
        }
    }

    private static List<Chunk> chunks(Path file) throws IOException {
        byte[] fileBytes = Files.readAllBytes(file);
        List<Chunk> out = new ArrayList<>();
        try (SeekableInputStream in = new LocalInputFile(file).newStream()) {
            for (BlockMetaData block :
                    ParquetFileParts.readFooter(in, fileBytes.length).getBlocks()) {
                for (ColumnChunkMetaData c : block.getColumns()) {
                    out.add(
                            new Chunk(
                                    block.getRowCount(),
                                    c,
                                    ParquetFileParts.readColumnIndex(in, c),
                                    ParquetFileParts.readOffsetIndex(in, c),
                                    fileBytes));
                }
            }
        }
        return out;
    }

    private static byte[] slice(byte[] bytes, long from, long length) {
        return Arrays.copyOfRange(bytes, Math.toIntExact(from), Math.toIntExact(from + length));
    }
}
