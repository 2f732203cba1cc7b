package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataWriteMode;
import dev.hotdata.local.fault.RequestLogEntry;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes a commit of 10,000 changed rows sends to Hotdata in upsert mode, as the table grows from 10
 * thousand to 1 million rows, relative to the batch's own Parquet size. Merges happen on the
 * server, so the ratio stays near 1 and does not grow with the table. Not a timed test: it prints
 * the figures and asserts the byte ratios only.
 */
class HotdataUpsertBytesPerCommitITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(2);

    private static final long CHANGED = 10_000;

    @Test
    void bytesPerUpsertCommitFollowTheBatchNotTheTable() throws Exception {
        double small = measure("bytes_10k", 10_000);
        double large = measure("bytes_1m", 1_000_000);
        System.out.printf(
                "Upsert of %,d changed rows: bytes sent / batch Parquet size = %.4f (table of"
                        + " 10,000 rows), %.4f (table of 1,000,000 rows); large/small = %.4f%n",
                CHANGED, small, large, large / small);
        assertThat(small).isLessThanOrEqualTo(1.1);
        assertThat(large).isLessThanOrEqualTo(1.1);
        assertThat(Math.abs(large - small) / small).isLessThanOrEqualTo(0.1);
    }

    /** Loads a table of {@code tableRows}, then upserts 10,000 rows; returns sent / Parquet. */
    private double measure(String database, long tableRows) throws Exception {
        run(database, tableRows, HotdataWriteMode.APPEND, index -> TestRows.row(index));

        int mark = E2E.server().requestLog().entries().size();
        // half updates of keys spread over the table, half new keys
        long stride = tableRows / (CHANGED / 2);
        run(
                database,
                CHANGED,
                HotdataWriteMode.UPSERT,
                index -> {
                    long id = index < CHANGED / 2 ? index * stride : tableRows + index;
                    RowData row = TestRows.row(id);
                    row.setRowKind(RowKind.UPDATE_AFTER);
                    return row;
                });

        List<RequestLogEntry> commit = E2E.server().requestLog().entries();
        long sent = 0;
        long parquet = 0;
        for (RequestLogEntry entry : commit.subList(mark, commit.size())) {
            sent += entry.requestBytes();
            if (entry.method().equals("PUT") && entry.path().startsWith("/_storage/")) {
                parquet += entry.requestBytes();
            }
        }
        long[] rows = E2E.hotdata().aggregate(database, "SELECT count(*) FROM public.events");
        assertThat(rows[0]).isEqualTo(tableRows + CHANGED / 2);
        System.out.printf(
                "table %,d rows: upsert commit sent %,d bytes for a %,d-byte Parquet batch%n",
                tableRows, sent, parquet);
        assertThat(parquet).isPositive();
        return (double) sent / parquet;
    }

    private void run(
            String database,
            long rows,
            HotdataWriteMode mode,
            dev.hotdata.flink.connector.sink.HotdataRowConverter<Long> converter)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        env.fromSource(
                        new DataGeneratorSource<>(index -> index, rows, Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "rows")
                .sinkTo(
                        E2E.hotdata()
                                .sink(database, "events")
                                .setRowConverter(TestRows.ROW_TYPE, converter)
                                .setKeyColumns("id")
                                .setWriteMode(mode)
                                .build());
        env.execute(mode + " " + database);
    }
}
