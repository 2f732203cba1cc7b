package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.HotdataServerQuery;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;

import org.apache.flink.annotation.Internal;

/**
 * The modes that stage a checkpoint's uploads in a table of the run ({@link HotdataStageTables})
 * and publish from there with a query whose result is loaded into the table, so the table never
 * travels to the client. The stage is dropped once the end of input is published and logged.
 */
@Internal
abstract class HotdataStagedPublisher extends HotdataPublisher {

    final HotdataPublishing publishing;
    final HotdataStageTables stages;

    HotdataStagedPublisher(HotdataPublishing publishing) {
        super(publishing.config, publishing.loader);
        this.publishing = publishing;
        this.stages = new HotdataStageTables(publishing.client, config, publishing.target);
    }

    String stage(HotdataCommittable c) {
        return HotdataStageTables.name(config.table(), c.sinkId(), c.runId());
    }

    @Override
    void startRun(HotdataCommittable c, long restoredCheckpointId)
            throws HotdataException, HotdataTargetException {
        stages.dropStale(c.sinkId(), stage(c));
    }

    @Override
    void finish(HotdataCommittable c) {
        if (c.endOfInput()) {
            stages.drop(stage(c));
        }
    }

    /** Runs a query on the server and loads its persisted result into the sink's table. */
    HotdataServerQuery.Result loadQueryResult(String sql, LoadMode mode)
            throws HotdataException, InterruptedException {
        HotdataServerQuery.Result result =
                new HotdataServerQuery(
                                publishing.client,
                                publishing.target.databaseId(),
                                config.clientConfig().jobTimeout())
                        .run(sql);
        if (result.rowCount == 0 && mode == LoadMode.APPEND) {
            return result;
        }
        // Result loads run synchronously. The client does not retry an append of a result after
        // an ambiguous failure; the committer runs the query again instead, which then finds
        // the rows already in the table.
        publishing.client.load(
                publishing.target.databaseId(),
                config.schema(),
                config.table(),
                LoadRequest.builder().mode(mode).resultId(result.resultId).build());
        publishing.loads.inc();
        if (result.rowCount > 0) {
            publishing.loadedRows.inc(result.rowCount);
        }
        return result;
    }

    String qualified(String table) {
        return config.schema() + "." + table;
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
