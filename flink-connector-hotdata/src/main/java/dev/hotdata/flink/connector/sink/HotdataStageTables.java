package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.TableInfo;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The tables a sink stages rows in before publishing them ({@code replace}, {@code insert-only}):
 * one per sink run and table. A new run (a fresh start, even with an explicit sink id) never sees
 * an earlier run's rows, a restored run finds its own, and a run drops the stale stages of its
 * lineage (same sink id and table, another run) before it stages anything.
 */
@Internal
final class HotdataStageTables {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataStageTables.class);

    static final String PREFIX = "_flink_stage_";

    /** Longest table name Hotdata is known to accept (hotdata-local's strict bound). */
    static final int MAX_IDENTIFIER_LENGTH = 63;

    private final HotdataClient client;
    private final HotdataSinkConfig config;
    private final HotdataTarget target;

    HotdataStageTables(HotdataClient client, HotdataSinkConfig config, HotdataTarget target) {
        this.client = client;
        this.config = config;
        this.target = target;
    }

    /** The stage table of a run: {@code _flink_stage_<hash of sink and table>_<hash of run>}. */
    static String name(String table, String sinkId, String runId) {
        if (runId.isEmpty()) {
            // committables from before runs existed keep the name their stage was given then
            String name = PREFIX + shortHash(sinkId) + "_" + table;
            if (name.length() > MAX_IDENTIFIER_LENGTH) {
                name = name.substring(0, MAX_IDENTIFIER_LENGTH - 9) + "_" + shortHash(table);
            }
            return name;
        }
        return lineagePrefix(table, sinkId) + shortHash(runId);
    }

    /** What the names of every run's stage of this sink and table start with. */
    static String lineagePrefix(String table, String sinkId) {
        return PREFIX + shortHash(sinkId + "/" + table) + "_";
    }

    private static String shortHash(String value) {
        return String.format("%08x", value.hashCode());
    }

    /** Drops the stages of this sink and table that belong to other runs than {@code keep}. */
    void dropStale(String sinkId, String keep) throws HotdataException {
        String prefix = lineagePrefix(config.table(), sinkId);
        for (TableInfo info :
                client.informationSchema(
                                InformationSchemaRequest.builder()
                                        .connectionId(target.connectionId())
                                        .schema(config.schema())
                                        .table(prefix + "%")
                                        .limit(1000)
                                        .build())
                        .tables()) {
            String name = info.table();
            if (name != null && name.startsWith(prefix) && !name.equalsIgnoreCase(keep)) {
                LOG.info("Dropping the stage table {} of an earlier run of sink {}", name, sinkId);
                drop(name);
            }
        }
    }

    /** Whether the stage exists and has columns (it got them when it was created). */
    boolean exists(String stage) throws HotdataException {
        return target.hasColumns(client, config.schema(), stage);
    }

    /**
     * Creates a stage with the sink's columns (a zero-row upload), so that publishing a run that
     * produced no rows still reads it and empties the table, as the run's output says.
     */
    void create(String stage, HotdataUploadLoader loader, HotdataCommittable c)
            throws HotdataException, HotdataTargetException {
        target.declarePlainTable(client, config, stage);
        if (exists(stage)) {
            return;
        }
        FinalizedUpload upload;
        try {
            upload = HotdataEmptyUpload.upload(client, config.rowType(), config.parquetOptions());
        } catch (IOException e) {
            throw new HotdataTargetException(
                    "Could not write an empty Parquet file for the stage table " + stage, e);
        }
        loader.load(
                stage,
                new HotdataUploadedFile(upload.uploadId(), HotdataUploadedFile.Kind.ROWS, 0, 0),
                LoadMode.APPEND,
                c);
    }

    /** Removes a stage table; failing to is only worth a warning. */
    void drop(String stage) {
        try {
            client.deleteTable(target.connectionId(), config.schema(), stage);
            LOG.info("Dropped the stage table {}.{}", config.schema(), stage);
        } catch (HotdataException e) {
            if (e.statusCode() != 404 && e.statusCode() != 409) {
                LOG.warn(
                        "Could not drop the stage table {}.{} (it may be deleted by hand): {}",
                        config.schema(),
                        stage,
                        e.getMessage());
            }
        }
    }
}
