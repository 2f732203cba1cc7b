package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/** Creates local Parquet files of rows of one type; serializable so it can ship to tasks. */
@Internal
public final class HotdataParquetWriterFactory implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private final ParquetWriterOptions options;

    public HotdataParquetWriterFactory(RowType rowType, ParquetWriterOptions options) {
        HotdataTypeSupport.validate(rowType);
        this.rowType = rowType;
        this.options = options;
    }

    /** Starts a new file at {@code file}, replacing any file there. */
    public HotdataParquetFileWriter create(Path file) throws IOException {
        CountingOutputFile output = new CountingOutputFile(file);
        ParquetWriter<RowData> writer =
                new Builder(output, new RowDataWriteSupport(rowType))
                        .withConf(new PlainParquetConfiguration())
                        .withCodecFactory(new HotdataCodecFactory())
                        .withCompressionCodec(options.compression().codec())
                        .withRowGroupSize(options.rowGroupSizeBytes())
                        .withPageSize(options.pageSizeBytes())
                        .withDictionaryPageSize(options.pageSizeBytes())
                        .withDictionaryEncoding(options.dictionaryEnabled())
                        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                        .build();
        return new HotdataParquetFileWriter(file, output, writer);
    }

    private static final class Builder extends ParquetWriter.Builder<RowData, Builder> {
        private final RowDataWriteSupport writeSupport;

        Builder(OutputFile file, RowDataWriteSupport writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<RowData> getWriteSupport(ParquetConfiguration conf) {
            return writeSupport;
        }

        /** Never called: {@link #withConf(ParquetConfiguration)} keeps Hadoop out. */
        @Override
        protected WriteSupport<RowData> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return writeSupport;
        }
    }
}
