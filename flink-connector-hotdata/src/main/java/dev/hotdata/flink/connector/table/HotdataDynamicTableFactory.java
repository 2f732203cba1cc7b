package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.table.sink.HotdataDynamicTableSink;
import dev.hotdata.flink.connector.table.source.HotdataDynamicTableSource;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates {@link HotdataDynamicTableSink}s and {@link HotdataDynamicTableSource}s for {@code
 * 'connector' = 'hotdata'}; the options are checked and mapped by {@link
 * HotdataConnectorOptionsUtil}.
 */
@Internal
public class HotdataDynamicTableFactory
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
        return new HashSet<>(HotdataConnectorOptionsUtil.allOptions());
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        List<String> key =
                context.getCatalogTable()
                        .getResolvedSchema()
                        .getPrimaryKey()
                        .map(pk -> pk.getColumns())
                        .orElse(Collections.emptyList());
        return HotdataConnectorOptionsUtil.createTableSink(
                helper.getOptions(),
                (RowType) context.getPhysicalRowDataType().getLogicalType(),
                key,
                context.getCatalogTable().getPartitionKeys(),
                context.getObjectIdentifier().asSummaryString(),
                context.getObjectIdentifier().getObjectName());
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        return HotdataConnectorOptionsUtil.createTableSource(
                helper.getOptions(),
                (RowType) context.getPhysicalRowDataType().getLogicalType(),
                context.getObjectIdentifier().asSummaryString(),
                context.getObjectIdentifier().getObjectName());
    }
}
