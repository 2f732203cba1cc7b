package dev.hotdata.flink.connector.format;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Test shortcut: one finished file from rows. */
final class Writers {

    private Writers() {}

    static Path write(Path file, RowType type, ParquetWriterOptions options, List<RowData> rows)
            throws IOException {
        try (HotdataParquetFileWriter w =
                new HotdataParquetWriterFactory(type, options).create(file)) {
            for (RowData r : rows) {
                w.write(r);
            }
            w.finish();
        }
        return file;
    }

    static Path write(Path file, RowType type, List<RowData> rows) throws IOException {
        return write(file, type, ParquetWriterOptions.defaults(), rows);
    }
}
