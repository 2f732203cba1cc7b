package dev.hotdata.flink.connector.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.sink.DynamicTableSink;
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
        return new HashSet<>(allOptions());
    }

    /** Every option of the connector. */
    static List<ConfigOption<?>> allOptions() {
        return Arrays.asList(
                HotdataConnectorOptions.API_KEY,
                HotdataConnectorOptions.WORKSPACE_ID,
                HotdataConnectorOptions.ENDPOINT,
                HotdataConnectorOptions.ALLOW_PLAIN_HTTP,
                HotdataConnectorOptions.DATABASE,
                HotdataConnectorOptions.DATABASE_ID,
                HotdataConnectorOptions.CREATE_DATABASE_IF_MISSING,
                HotdataConnectorOptions.SCHEMA,
                HotdataConnectorOptions.TABLE,
                HotdataConnectorOptions.DECLARED_TABLES,
                HotdataConnectorOptions.SORTED_BY,
                HotdataConnectorOptions.WRITE_MODE,
                HotdataConnectorOptions.DELIVERY_GUARANTEE,
                HotdataConnectorOptions.MAX_RETRIES,
                HotdataConnectorOptions.RETRY_BACKOFF,
                HotdataConnectorOptions.ROLLING_MAX_BYTES,
                HotdataConnectorOptions.BUFFER_FLUSH_MAX_BYTES,
                HotdataConnectorOptions.PARQUET_COMPRESSION,
                FactoryUtil.SINK_PARALLELISM);
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        List<String> key =
                context.getCatalogTable()
                        .getResolvedSchema()
                        .getPrimaryKey()
                        .map(pk -> pk.getColumns())
                        .orElse(Collections.emptyList());
        HotdataTableSinkSpec spec =
                new HotdataTableSinkSpec(
                        options,
                        (RowType) context.getPhysicalRowDataType().getLogicalType(),
                        key,
                        context.getCatalogTable().getPartitionKeys(),
                        context.getObjectIdentifier().asSummaryString(),
                        context.getObjectIdentifier().getObjectName());
        spec.buildSink(false); // validates every option now, with messages naming them
        return new HotdataDynamicTableSink(
                spec, options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
    }
}
