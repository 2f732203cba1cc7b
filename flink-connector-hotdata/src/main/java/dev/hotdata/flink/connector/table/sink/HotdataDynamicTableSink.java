package dev.hotdata.flink.connector.table.sink;

import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataWriteMode;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsOverwrite;
import org.apache.flink.table.connector.sink.abilities.SupportsPartitioning;
import org.apache.flink.table.data.RowData;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code hotdata} table sink. With a PRIMARY KEY it consumes a changelog (upserts and deletes
 * by key); otherwise, and in {@code insert-only} and {@code replace} modes, inserts only. {@code
 * INSERT OVERWRITE} publishes the query's output as the table's whole contents, once, at the end of
 * the (bounded) job.
 */
@Internal
public class HotdataDynamicTableSink
        implements DynamicTableSink, SupportsOverwrite, SupportsPartitioning {

    private final String tableName;
    private final HotdataWriteMode configuredMode;
    private final Function<HotdataWriteMode, HotdataSink<RowData>> sinks;
    private final Integer parallelism;
    private boolean overwrite;
    private Map<String, String> staticPartition = Collections.emptyMap();

    /**
     * @param tableName the Flink table, for messages
     * @param configuredMode the mode the table's options and key ask for
     * @param sinks builds the sink in a given mode (the table's options are validated already)
     * @param parallelism {@code sink.parallelism}, or null for the planner's
     */
    public HotdataDynamicTableSink(
            String tableName,
            HotdataWriteMode configuredMode,
            Function<HotdataWriteMode, HotdataSink<RowData>> sinks,
            Integer parallelism) {
        this.tableName = tableName;
        this.configuredMode = configuredMode;
        this.sinks = sinks;
        this.parallelism = parallelism;
    }

    private HotdataWriteMode mode() {
        return overwrite ? HotdataWriteMode.REPLACE : configuredMode;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        if (mode() == HotdataWriteMode.UPSERT) {
            // the last change per key wins; deletes need only the key
            return ChangelogMode.upsert();
        }
        return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        // replace on an unbounded input is refused by the sink, which sees the sources
        return SinkV2Provider.of(sinks.apply(mode()), parallelism);
    }

    @Override
    public void applyOverwrite(boolean overwrite) {
        this.overwrite = overwrite;
    }

    @Override
    public void applyStaticPartition(Map<String, String> partition) {
        if (overwrite && !partition.isEmpty()) {
            throw new ValidationException(
                    "Invalid 'hotdata' table "
                            + tableName
                            + ": INSERT OVERWRITE ... PARTITION ("
                            + partition.keySet()
                            + ") is not supported: Hotdata replaces whole tables, not"
                            + " partitions. Overwrite the whole table instead.");
        }
        // the static values are in the rows the planner sends; nothing else to do
        this.staticPartition = new LinkedHashMap<>(partition);
    }

    @Override
    public boolean requiresPartitionGrouping(boolean supportsGrouping) {
        return false;
    }

    @Override
    public DynamicTableSink copy() {
        HotdataDynamicTableSink copy =
                new HotdataDynamicTableSink(tableName, configuredMode, sinks, parallelism);
        copy.overwrite = overwrite;
        copy.staticPartition = staticPartition;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "Hotdata(" + tableName + ", " + mode() + ")";
    }
}
