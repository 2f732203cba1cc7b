package dev.hotdata.flink.connector.table;

import dev.hotdata.flink.connector.sink.HotdataSink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;

/** The {@code hotdata} table sink: plans a {@link HotdataSink} of the table's rows. */
@Internal
public class HotdataDynamicTableSink implements DynamicTableSink {

    private final HotdataSink<RowData> sink;
    private final Integer parallelism;
    private final String tableName;

    HotdataDynamicTableSink(HotdataSink<RowData> sink, Integer parallelism, String tableName) {
        this.sink = sink;
        this.parallelism = parallelism;
        this.tableName = tableName;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        // append mode only so far: the planner reports queries that produce updates
        return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        return SinkV2Provider.of(sink, parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        return new HotdataDynamicTableSink(sink, parallelism, tableName);
    }

    @Override
    public String asSummaryString() {
        return "Hotdata(" + tableName + ")";
    }
}
