package dev.hotdata.flink.connector.catalog;

import dev.hotdata.flink.connector.table.HotdataConnectorOptions;
import dev.hotdata.flink.connector.table.HotdataDynamicTableFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The table factory of a {@link HotdataCatalog}'s tables: the connector's factory, with the
 * catalog's API key added to a table's options when the planner creates its source or sink. The key
 * is never one of the catalog table's options, so {@code SHOW CREATE TABLE} and anything else that
 * prints a table's options cannot show it.
 */
@Internal
final class HotdataCatalogTableFactory
        implements DynamicTableSinkFactory, DynamicTableSourceFactory {

    private final HotdataDynamicTableFactory connector = new HotdataDynamicTableFactory();
    private final String apiKey;

    /**
     * @param apiKey the key given to the catalog, or null (the environment's key applies)
     */
    HotdataCatalogTableFactory(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        return connector.createDynamicTableSink(withKey(context));
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        return connector.createDynamicTableSource(withKey(context));
    }

    private Context withKey(Context context) {
        Map<String, String> options = context.getCatalogTable().getOptions();
        if (apiKey == null || options.containsKey(HotdataConnectorOptions.API_KEY.key())) {
            return context; // a key given for the table itself wins
        }
        Map<String, String> withKey = new HashMap<>(options);
        withKey.put(HotdataConnectorOptions.API_KEY.key(), apiKey);
        return new FactoryUtil.DefaultDynamicTableContext(
                context.getObjectIdentifier(),
                context.getCatalogTable().copy(withKey),
                context.getEnrichmentOptions(),
                context.getConfiguration(),
                context.getClassLoader(),
                context.isTemporary());
    }

    @Override
    public String factoryIdentifier() {
        return connector.factoryIdentifier();
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return connector.requiredOptions();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return connector.optionalOptions();
    }

    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        return connector.forwardOptions();
    }
}
