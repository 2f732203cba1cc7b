package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How each write mode's pending rows turn a stream into files to publish. */
class HotdataPendingRowsTest {

    private static final RowType ROW =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false), new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    new String[] {"id", "name"});

    @TempDir Path dir;

    private HotdataRollingFiles files(String prefix, RowType type, HotdataUploadedFile.Kind kind) {
        return new HotdataRollingFiles(
                new HotdataParquetWriterFactory(type, ParquetWriterOptions.builder().build()),
                dir,
                prefix,
                1L << 30,
                kind);
    }

    private HotdataUpsertRows upsert(long maxBufferedBytes) {
        HotdataRowKeys keys =
                new HotdataRowKeys(ROW, Collections.singletonList("id"), "db.public.t");
        return new HotdataUpsertRows(
                files("rows", ROW, HotdataUploadedFile.Kind.ROWS),
                files("deletes", keys.keyType(), HotdataUploadedFile.Kind.DELETES),
                keys,
                new RowDataSerializer(ROW),
                maxBufferedBytes);
    }

    private static RowData row(RowKind kind, long id, String name) {
        GenericRowData row =
                GenericRowData.of(id, name == null ? null : StringData.fromString(name));
        row.setRowKind(kind);
        return row;
    }

    /** Applies the files as Hotdata would: upserts then deletes, file by file, in order. */
    private static Map<Long, String> apply(List<HotdataRollingFiles.LocalFile> files)
            throws Exception {
        Map<Long, String> table = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            for (HotdataRollingFiles.LocalFile file : files) {
                boolean deletes = file.kind == HotdataUploadedFile.Kind.DELETES;
                String sql = "SELECT * FROM read_parquet('" + file.path.toAbsolutePath() + "')";
                Map<Long, String> batch = new TreeMap<>();
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        assertThat(batch.put(id, deletes ? "" : rs.getString(2)))
                                .as("key %s twice in one file", id)
                                .isNull();
                    }
                }
                for (Map.Entry<Long, String> e : batch.entrySet()) {
                    if (deletes) {
                        table.remove(e.getKey());
                    } else {
                        table.put(e.getKey(), e.getValue());
                    }
                }
            }
        }
        return table;
    }

    @Test
    void upsertKeepsTheLastChangePerKey() throws Exception {
        HotdataUpsertRows rows = upsert(1L << 30);
        GenericRowData reused = new GenericRowData(2);
        // Flink may reuse the row object: the buffer must copy
        for (long id = 0; id < 10; id++) {
            reused.setRowKind(RowKind.INSERT);
            reused.setField(0, id);
            reused.setField(1, StringData.fromString("v" + id));
            rows.add(reused);
        }
        rows.add(row(RowKind.UPDATE_BEFORE, 1, "v1"));
        rows.add(row(RowKind.UPDATE_AFTER, 1, "updated"));
        rows.add(row(RowKind.DELETE, 2, null));
        rows.add(row(RowKind.DELETE, 3, "v3"));
        rows.add(row(RowKind.INSERT, 3, "back"));
        rows.add(row(RowKind.DELETE, 42, null)); // a key never seen: deleted all the same

        List<HotdataRollingFiles.LocalFile> out = rows.drain();
        assertThat(out)
                .extracting(f -> f.kind)
                .containsExactly(HotdataUploadedFile.Kind.ROWS, HotdataUploadedFile.Kind.DELETES);
        assertThat(out.get(0).rowCount).isEqualTo(9);
        assertThat(out.get(1).rowCount).isEqualTo(2);

        Map<Long, String> expected = new TreeMap<>();
        for (long id = 0; id < 10; id++) {
            expected.put(id, "v" + id);
        }
        expected.put(1L, "updated");
        expected.remove(2L);
        expected.put(3L, "back");
        assertThat(apply(out)).isEqualTo(expected);
        assertThat(rows.drain()).isEmpty();
        rows.close();
    }

    @Test
    void upsertPastItsBufferWritesOrderedSegments() throws Exception {
        HotdataUpsertRows rows = upsert(2_000); // a few dozen entries per segment
        Map<Long, String> expected = new TreeMap<>();
        for (int round = 0; round < 5; round++) {
            for (long id = 0; id < 50; id++) {
                if ((id + round) % 4 == 0) {
                    rows.add(row(RowKind.DELETE, id, null));
                    expected.remove(id);
                } else {
                    rows.add(row(RowKind.UPDATE_AFTER, id, "r" + round));
                    expected.put(id, "r" + round);
                }
            }
        }
        List<HotdataRollingFiles.LocalFile> out = rows.drain();
        assertThat(out.size()).as("segments written").isGreaterThan(4);
        assertThat(apply(out)).isEqualTo(expected);
        assertThat(rows.peakBufferedBytes()).isPositive();
        rows.close();
    }

    @Test
    void aNullKeyIsRefusedNamingTheColumn() {
        RowType nullableKey =
                RowType.of(
                        new LogicalType[] {new BigIntType(), new VarCharType(10)},
                        new String[] {"id", "name"});
        HotdataRowKeys keys =
                new HotdataRowKeys(nullableKey, Collections.singletonList("id"), "db.public.t");
        assertThatThrownBy(() -> keys.keyOf(GenericRowData.of(null, StringData.fromString("x"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'id'")
                .hasMessageContaining("db.public.t")
                .hasMessageContaining("NULL");
    }

    @Test
    void insertOnlyKeepsTheFirstRowOfAKeyPerCheckpoint() throws Exception {
        HotdataInsertOnlyRows rows =
                new HotdataInsertOnlyRows(
                        files("rows", ROW, HotdataUploadedFile.Kind.ROWS),
                        new HotdataRowKeys(ROW, Collections.singletonList("id"), "t"),
                        "t");
        rows.add(row(RowKind.INSERT, 1, "first"));
        rows.add(row(RowKind.INSERT, 2, "two"));
        rows.add(row(RowKind.INSERT, 1, "second"));
        List<HotdataRollingFiles.LocalFile> first = rows.drain();
        assertThat(first).hasSize(1);
        assertThat(apply(first)).containsEntry(1L, "first").containsEntry(2L, "two").hasSize(2);

        // the next checkpoint starts afresh: the table, not the writer, decides then
        rows.add(row(RowKind.INSERT, 1, "later"));
        assertThat(apply(rows.drain()))
                .containsExactlyEntriesOf(Collections.singletonMap(1L, "later"));

        assertThatThrownBy(() -> rows.add(row(RowKind.UPDATE_AFTER, 1, "x")))
                .hasMessageContaining("insert-only")
                .hasMessageContaining("UPDATE_AFTER");
        rows.close();
    }

    @Test
    void appendRefusesChangesWithAHint() throws Exception {
        HotdataAppendRows rows =
                new HotdataAppendRows(files("rows", ROW, HotdataUploadedFile.Kind.ROWS), "t");
        rows.add(row(RowKind.INSERT, 1, "a"));
        assertThatThrownBy(() -> rows.add(row(RowKind.DELETE, 1, "a")))
                .hasMessageContaining("DELETE")
                .hasMessageContaining("upsert");
        List<HotdataRollingFiles.LocalFile> out = rows.drain();
        assertThat(out).hasSize(1);
        assertThat(new ArrayList<>(apply(out).keySet())).containsExactly(1L);
        rows.close();
    }
}
