package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.types.logical.RowType;

import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Creates {@link HotdataParquetFileWriter}s for one row type. Serializable, so it can be built at
 * planning time and shipped to the tasks; the row type is validated on construction, so an
 * unsupported column fails the job before it runs.
 */
@Internal
public final class HotdataParquetWriterFactory implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private final ParquetWriterOptions options;

    /** Parquet's schema classes are not serializable; rebuilt lazily after deserialization. */
    private transient MessageType schema;

    /**
     * @throws org.apache.flink.table.api.ValidationException if a column's type is unsupported
     */
    public HotdataParquetWriterFactory(RowType rowType, ParquetWriterOptions options) {
        this.rowType = Objects.requireNonNull(rowType, "rowType");
        this.options = Objects.requireNonNull(options, "options");
        this.schema = HotdataTypeSupport.toParquetSchema(rowType, options.timestampUnit());
    }

    /**
     * Opens a writer on a new file at {@code file}, which must not exist (its directory must).
     *
     * @throws java.nio.file.FileAlreadyExistsException if it exists
     */
    public HotdataParquetFileWriter create(Path file) throws IOException {
        if (schema == null) {
            schema = HotdataTypeSupport.toParquetSchema(rowType, options.timestampUnit());
        }
        return new HotdataParquetFileWriter(
                file, new RowDataWriteSupport(rowType, schema, options.timestampUnit()), options);
    }

    /** The row type written. */
    public RowType rowType() {
        return rowType;
    }

    /** The writer options. */
    public ParquetWriterOptions options() {
        return options;
    }

    /** The Parquet schema of the files. */
    public MessageType parquetSchema() {
        if (schema == null) {
            schema = HotdataTypeSupport.toParquetSchema(rowType, options.timestampUnit());
        }
        return schema;
    }
}
