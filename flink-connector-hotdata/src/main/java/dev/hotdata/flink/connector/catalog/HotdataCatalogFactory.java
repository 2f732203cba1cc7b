package dev.hotdata.flink.connector.catalog;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.sink.HotdataIdentifiers;
import dev.hotdata.flink.connector.table.HotdataConnectorOptions;
import dev.hotdata.flink.connector.table.HotdataConnectorOptionsUtil;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Creates {@link HotdataCatalog}s: {@code CREATE CATALOG hd WITH ('type' = 'hotdata')}. */
@Internal
public class HotdataCatalogFactory implements CatalogFactory {

    public static final String IDENTIFIER = "hotdata";

    public static final ConfigOption<String> DEFAULT_DATABASE =
            ConfigOptions.key("default-database")
                    .stringType()
                    .defaultValue("flink")
                    .withDescription("The catalog's current database at start.");

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
                        HotdataConnectorOptions.SCHEMA,
                        DEFAULT_DATABASE));
    }

    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper =
                FactoryUtil.createCatalogFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        HotdataClientConfig.Builder client = HotdataConnectorOptionsUtil.connection(options);
        // the API key is not a table option: tables get it at planning time only
        Map<String, String> tableOptions = new HashMap<>();
        options.getOptional(HotdataConnectorOptions.WORKSPACE_ID)
                .ifPresent(ws -> tableOptions.put(HotdataConnectorOptions.WORKSPACE_ID.key(), ws));
        options.getOptional(HotdataConnectorOptions.ENDPOINT)
                .ifPresent(url -> tableOptions.put(HotdataConnectorOptions.ENDPOINT.key(), url));
        try {
            return new HotdataCatalog(
                    context.getName(),
                    options.get(DEFAULT_DATABASE),
                    client.build(),
                    HotdataIdentifiers.normalize(
                            options.get(HotdataConnectorOptions.SCHEMA), "schema"),
                    tableOptions,
                    options.getOptional(HotdataConnectorOptions.API_KEY).orElse(null));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ValidationException(
                    "Invalid 'hotdata' catalog " + context.getName() + ": " + e.getMessage(), e);
        }
    }
}
