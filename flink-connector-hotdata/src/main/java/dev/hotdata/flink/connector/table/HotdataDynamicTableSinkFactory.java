package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Creates {@link HotdataDynamicTableSink}s for {@code 'connector' = 'hotdata'}. */
@Internal
public class HotdataDynamicTableSinkFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "hotdata";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Collections.emptySet();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return new HashSet<>(
                Arrays.asList(
                        HotdataConnectorOptions.API_KEY,
                        HotdataConnectorOptions.WORKSPACE_ID,
                        HotdataConnectorOptions.ENDPOINT,
                        HotdataConnectorOptions.DATABASE,
                        HotdataConnectorOptions.DATABASE_ID,
                        HotdataConnectorOptions.CREATE_DATABASE_IF_MISSING,
                        HotdataConnectorOptions.SCHEMA,
                        HotdataConnectorOptions.TABLE,
                        HotdataConnectorOptions.WRITE_MODE,
                        HotdataConnectorOptions.MAX_RETRIES,
                        HotdataConnectorOptions.RETRY_BACKOFF,
                        HotdataConnectorOptions.ROLLING_MAX_BYTES,
                        HotdataConnectorOptions.PARQUET_COMPRESSION,
                        FactoryUtil.SINK_PARALLELISM));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();

        RowType rowType = (RowType) context.getPhysicalRowDataType().getLogicalType();
        List<String> key =
                context.getCatalogTable()
                        .getResolvedSchema()
                        .getPrimaryKey()
                        .map(pk -> pk.getColumns())
                        .orElse(Collections.emptyList());

        HotdataSinkBuilder<RowData> builder =
                HotdataSink.<RowData>builder()
                        .setRowType(rowType)
                        .setTable(
                                options.getOptional(HotdataConnectorOptions.TABLE)
                                        .orElse(context.getObjectIdentifier().getObjectName()))
                        .setSchema(options.get(HotdataConnectorOptions.SCHEMA))
                        .setCreateDatabaseIfMissing(
                                options.get(HotdataConnectorOptions.CREATE_DATABASE_IF_MISSING))
                        .setMaxRetries(options.get(HotdataConnectorOptions.MAX_RETRIES))
                        .setRetryBackoff(options.get(HotdataConnectorOptions.RETRY_BACKOFF))
                        .setRollingMaxBytes(
                                options.get(HotdataConnectorOptions.ROLLING_MAX_BYTES).getBytes())
                        .setParquetOptions(
                                ParquetWriterOptions.builder()
                                        .compression(
                                                options.get(
                                                        HotdataConnectorOptions
                                                                .PARQUET_COMPRESSION))
                                        .build())
                        .setKeyColumns(key.toArray(new String[0]));
        options.getOptional(HotdataConnectorOptions.API_KEY).ifPresent(builder::setApiKey);
        options.getOptional(HotdataConnectorOptions.WORKSPACE_ID)
                .ifPresent(builder::setWorkspaceId);
        options.getOptional(HotdataConnectorOptions.ENDPOINT).ifPresent(builder::setEndpoint);
        options.getOptional(HotdataConnectorOptions.DATABASE).ifPresent(builder::setDatabase);
        options.getOptional(HotdataConnectorOptions.DATABASE_ID).ifPresent(builder::setDatabaseId);
        options.getOptional(HotdataConnectorOptions.WRITE_MODE)
                .ifPresent(
                        mode ->
                                builder.setWriteMode(
                                        parse(mode, HotdataConnectorOptions.WRITE_MODE)));

        HotdataSink<RowData> sink;
        try {
            sink = builder.build();
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new ValidationException(
                    "Invalid 'hotdata' options for table "
                            + context.getObjectIdentifier().asSummaryString()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return new HotdataDynamicTableSink(
                sink,
                options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null),
                context.getObjectIdentifier().asSummaryString());
    }

    private static HotdataWriteMode parse(String value, ConfigOption<String> option) {
        try {
            return HotdataWriteMode.fromOptionValue(value);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Option '" + option.key() + "': " + e.getMessage(), e);
        }
    }
}
