package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.FileUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A zero-row Parquet upload of a row type: loaded into a declared table, it gives the table its
 * columns (a declared table has none until its first load, and SQL naming them fails before).
 */
@Internal
public final class HotdataEmptyUpload {

    private HotdataEmptyUpload() {}

    /** Writes a zero-row file of {@code rowType}, uploads and finalizes it. */
    public static FinalizedUpload upload(
            HotdataClient client, RowType rowType, ParquetWriterOptions options)
            throws HotdataException, IOException {
        Path dir = Files.createTempDirectory("hotdata-columns-");
        try {
            Path file = dir.resolve("columns.parquet");
            HotdataParquetFileWriter writer =
                    new HotdataParquetWriterFactory(rowType, options).create(file);
            writer.finish();
            return client.uploadFile(file, HotdataParquetFileWriter.CONTENT_TYPE);
        } finally {
            FileUtils.deleteDirectoryQuietly(dir.toFile());
        }
    }
}
