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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row groups are flushed as they fill, so a large file is written with a bounded buffer, and the
 * size estimate used for rolling tracks the real file size.
 */
class HotdataParquetBoundedHeapTest {

    private static final int ROWS = 500_000;
    private static final long ROW_GROUP = 4L * 1024 * 1024;

    @TempDir Path dir;

    /** The 12-column row of the flink-parquet measurements (reference flink-sink-2pc §5.5). */
    static final RowType TWELVE_COLUMNS =
            (RowType)
                    DataTypes.ROW(
                                    FIELD("id", DataTypes.BIGINT().notNull()),
                                    FIELD("customer", DataTypes.STRING()),
                                    FIELD("total", DataTypes.DECIMAL(10, 2)),
                                    FIELD("big", DataTypes.DECIMAL(38, 10)),
                                    FIELD("created", DataTypes.TIMESTAMP(6)),
                                    FIELD("updated_at", DataTypes.TIMESTAMP_LTZ(3)),
                                    FIELD("day", DataTypes.DATE()),
                                    FIELD("active", DataTypes.BOOLEAN()),
                                    FIELD("score", DataTypes.DOUBLE()),
                                    FIELD("items", DataTypes.ARRAY(DataTypes.INT())),
                                    FIELD(
                                            "attrs",
                                            DataTypes.MAP(DataTypes.STRING(), DataTypes.INT())),
                                    FIELD(
                                            "address",
                                            DataTypes.ROW(
                                                    FIELD("city", DataTypes.STRING()),
                                                    FIELD("zip", DataTypes.INT()))))
                            .getLogicalType();

    private static final StringData[] CITIES = {
        StringData.fromString("London"),
        StringData.fromString("Paris"),
        StringData.fromString("Zürich"),
        StringData.fromString("東京")
    };

    static RowData row(long i, SplittableRandom random) {
        return GenericRowData.of(
                i,
                StringData.fromString("customer-" + random.nextInt(100_000)),
                DecimalData.fromUnscaledLong(random.nextLong(-10_000_000L, 10_000_000L), 10, 2),
                DecimalData.fromBigDecimal(
                        java.math.BigDecimal.valueOf(random.nextLong(), 10), 38, 10),
                TimestampData.fromEpochMillis(
                        1_700_000_000_000L + i * 1000, random.nextInt(1000) * 1000),
                TimestampData.fromEpochMillis(1_700_000_000_000L + random.nextInt(1_000_000_000)),
                19_000 + (int) (i % 1000),
                random.nextBoolean(),
                random.nextDouble(),
                new GenericArrayData(new int[] {random.nextInt(100), random.nextInt(100)}),
                new GenericMapData(
                        Collections.singletonMap(
                                CITIES[random.nextInt(CITIES.length)], random.nextInt(10))),
                GenericRowData.of(CITIES[(int) (i % CITIES.length)], random.nextInt(99_999)));
    }

    @Test
    void rowGroupsAreFlushedAndBufferStaysBounded() throws Exception {
        Path file = dir.resolve("big.parquet");
        ParquetWriterOptions options =
                ParquetWriterOptions.builder().rowGroupSizeBytes(ROW_GROUP).build();
        SplittableRandom random = new SplittableRandom(42);
        long maxBuffered = 0;
        long estimateBeforeFinish;
        long start = System.nanoTime();
        try (HotdataParquetFileWriter w =
                new HotdataParquetWriterFactory(TWELVE_COLUMNS, options).create(file)) {
            for (long i = 0; i < ROWS; i++) {
                w.write(row(i, random));
                if (i % 64 == 0) {
                    maxBuffered = Math.max(maxBuffered, w.bufferedBytes());
                }
            }
            estimateBeforeFinish = w.estimatedSizeBytes();
            w.finish();
            assertThat(w.rowCount()).isEqualTo(ROWS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long size = Files.size(file);
        System.out.printf(
                "format bounded-heap: %d rows x 12 columns, ZSTD, 4 MiB row groups: %.0f rows/s"
                        + " (%.2f s, row creation included), file %.1f MB, max buffered %.2f MB,"
                        + " estimate before finish %.1f MB%n",
                ROWS,
                ROWS / seconds,
                seconds,
                size / 1e6,
                maxBuffered / 1e6,
                estimateBeforeFinish / 1e6);

        // Parquet checks the buffer size at row-count intervals, so it may pass the target a bit
        assertThat(maxBuffered).isPositive().isLessThan(2 * ROW_GROUP);
        assertThat(estimateBeforeFinish).isBetween(size / 2, size * 2);

        String path = file.toAbsolutePath().toString();
        List<Object> groups =
                DuckDb.single(
                        file,
                        "SELECT count(DISTINCT row_group_id), max(row_group_num_rows)"
                                + " FROM parquet_metadata('"
                                + path
                                + "')");
        assertThat((Long) groups.get(0)).isGreaterThan(1L);
        assertThat(((Number) groups.get(1)).longValue()).isLessThan(ROWS);
        assertThat(
                        DuckDb.single(
                                file,
                                "SELECT count(*), min(id), max(id), count(DISTINCT address.city)"
                                        + " FROM FILE"))
                .containsExactly((long) ROWS, 0L, (long) ROWS - 1, 4L);
    }
}
