package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.HotdataServerQuery;
import dev.hotdata.flink.connector.client.model.LoadMode;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code replace}: every checkpoint's uploads are appended to the run's stage; the end of input
 * makes the table's contents the stage's with one {@code replace} load from a query result, which
 * is atomic and gives the same table when repeated.
 *
 * <p>A stage cannot take back rows, so a run restored from a checkpoint older than the newest one
 * it committed (an older savepoint or retained checkpoint) is refused: its stage holds rows of the
 * abandoned checkpoints. A fresh start (without state) stages everything again.
 */
@Internal
final class HotdataReplacePublisher extends HotdataStagedPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataReplacePublisher.class);

    private String readyStage;

    HotdataReplacePublisher(HotdataPublishing publishing) {
        super(publishing);
    }

    @Override
    void startRun(HotdataCommittable c, long restoredCheckpointId)
            throws HotdataException, HotdataTargetException {
        super.startRun(c, restoredCheckpointId);
        if (restoredCheckpointId < 0) {
            return;
        }
        long newest = publishing.log.lastCheckpointOfRun(c);
        if (newest > restoredCheckpointId) {
            throw new HotdataTargetException(
                    "The Hotdata sink into "
                            + config.targetDescription()
                            + " (mode replace) was restored from checkpoint "
                            + restoredCheckpointId
                            + ", but this run already staged up to checkpoint "
                            + newest
                            + " in "
                            + stage(c)
                            + ". A stage cannot take rows back, so publishing would include rows"
                            + " of the abandoned checkpoints. Start the job without state (a"
                            + " new run stages everything again and drops the old stage).");
        }
    }

    @Override
    void publish(HotdataCommittable c)
            throws HotdataException, HotdataTargetException, InterruptedException {
        String stage = stage(c);
        if (!stage.equals(readyStage)) {
            stages.create(stage, loader, c);
            readyStage = stage;
        }
        for (HotdataUploadedFile file : c.files()) {
            loader.load(stage, file, LoadMode.APPEND, c);
        }
        if (c.endOfInput()) {
            HotdataServerQuery.Result result =
                    loadQueryResult("SELECT * FROM " + qualified(stage), LoadMode.REPLACE);
            LOG.info(
                    "Replaced the contents of {} with {} staged rows",
                    config.targetDescription(),
                    result.rowCount);
        }
    }

    @Override
    void finish(HotdataCommittable c) {
        super.finish(c);
        if (c.endOfInput()) {
            readyStage = null;
        }
    }
}
