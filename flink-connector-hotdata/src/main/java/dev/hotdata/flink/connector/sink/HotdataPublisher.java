package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.LoadMode;

import org.apache.flink.annotation.Internal;

/**
 * How one write mode publishes a checkpoint's uploads. Every step must be safe to run again: a
 * committable that was published (in part or whole) is published again after a restore unless the
 * commit log proves it was, so a publisher relies on the server's one-time claim of each upload
 * ({@link HotdataUploadLoader}) and on steps whose repetition changes nothing.
 */
@Internal
abstract class HotdataPublisher {

    final HotdataSinkConfig config;
    final HotdataUploadLoader loader;

    HotdataPublisher(HotdataSinkConfig config, HotdataUploadLoader loader) {
        this.config = config;
        this.loader = loader;
    }

    /** The publisher of the sink's write mode. */
    static HotdataPublisher of(HotdataPublishing publishing) {
        HotdataWriteMode mode = publishing.config.writeMode();
        switch (mode) {
            case INSERT_ONLY:
                return new HotdataInsertOnlyPublisher(publishing);
            case REPLACE:
                return new HotdataReplacePublisher(publishing);
            default:
                return new HotdataDirectPublisher(publishing.config, publishing.loader);
        }
    }

    /**
     * Runs before the first committable of a run that this committer publishes.
     *
     * @param restoredCheckpointId the checkpoint the job was restored from, or -1
     */
    void startRun(HotdataCommittable c, long restoredCheckpointId)
            throws HotdataException, HotdataTargetException {}

    /** Publishes the committable's uploads. */
    abstract void publish(HotdataCommittable c)
            throws HotdataException, HotdataTargetException, InterruptedException;

    /** Runs once the committable is known to be published and logged (clean-up only). */
    void finish(HotdataCommittable c) {}

    /**
     * {@code append} and {@code upsert}: each upload straight into the table, in the order the
     * writers produced them (an upsert file before the delete file of the same batch).
     */
    static final class HotdataDirectPublisher extends HotdataPublisher {

        HotdataDirectPublisher(HotdataSinkConfig config, HotdataUploadLoader loader) {
            super(config, loader);
        }

        @Override
        void publish(HotdataCommittable c) throws HotdataException, HotdataTargetException {
            for (HotdataUploadedFile file : c.files()) {
                LoadMode mode;
                if (file.kind() == HotdataUploadedFile.Kind.DELETES) {
                    mode = LoadMode.DELETE;
                } else if (config.writeMode() == HotdataWriteMode.UPSERT) {
                    mode = LoadMode.UPSERT;
                } else {
                    mode = LoadMode.APPEND;
                }
                loader.load(config.table(), file, mode, c);
            }
        }
    }
}
