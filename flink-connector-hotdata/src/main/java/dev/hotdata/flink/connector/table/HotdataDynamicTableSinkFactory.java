package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.sink.HotdataIdentifiers;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.flink.connector.source.HotdataDynamicTableSource;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates {@link HotdataDynamicTableSink}s and {@link HotdataDynamicTableSource}s for {@code
 * 'connector' = 'hotdata'}.
 */
@Internal
public class HotdataDynamicTableSinkFactory
        implements DynamicTableSinkFactory, DynamicTableSourceFactory {

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
                HotdataConnectorOptions.SCAN_FETCH_SIZE,
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

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        String table = context.getObjectIdentifier().asSummaryString();
        HotdataClientConfig.Builder client = HotdataClientConfig.fromEnvironment();
        options.getOptional(HotdataConnectorOptions.API_KEY).ifPresent(client::apiKey);
        options.getOptional(HotdataConnectorOptions.WORKSPACE_ID).ifPresent(client::workspaceId);
        options.getOptional(HotdataConnectorOptions.ENDPOINT).ifPresent(client::endpoint);
        client.allowPlainHttp(options.get(HotdataConnectorOptions.ALLOW_PLAIN_HTTP));
        int fetchSize = options.get(HotdataConnectorOptions.SCAN_FETCH_SIZE);
        if (fetchSize <= 0) {
            throw new ValidationException(
                    "Invalid 'hotdata' table "
                            + table
                            + ": Option '"
                            + HotdataConnectorOptions.SCAN_FETCH_SIZE.key()
                            + "' must be positive, but is "
                            + fetchSize
                            + ".");
        }
        HotdataClientConfig clientConfig;
        String schema;
        String name;
        try {
            clientConfig = client.build();
            schema =
                    HotdataIdentifiers.normalize(
                            options.get(HotdataConnectorOptions.SCHEMA), "schema");
            name =
                    HotdataIdentifiers.normalize(
                            options.getOptional(HotdataConnectorOptions.TABLE)
                                    .orElse(context.getObjectIdentifier().getObjectName()),
                            "table");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ValidationException(
                    "Invalid 'hotdata' table " + table + ": " + e.getMessage(), e);
        }
        String databaseId = options.getOptional(HotdataConnectorOptions.DATABASE_ID).orElse(null);
        String databaseName =
                options.getOptional(HotdataConnectorOptions.DATABASE)
                        .orElse(
                                System.getenv()
                                        .getOrDefault(
                                                "HOTDATA_DATABASE",
                                                HotdataSinkBuilder.DEFAULT_DATABASE));
        return new HotdataDynamicTableSource(
                clientConfig,
                databaseName,
                databaseId,
                schema,
                name,
                (RowType) context.getPhysicalRowDataType().getLogicalType(),
                fetchSize);
    }
}
