package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Everything one checkpoint of a sink uploaded, across all writer subtasks: the unit the single
 * committing subtask publishes. Kept small (upload ids, counts) because it lives in checkpoints.
 */
@Internal
public final class HotdataCommittable {

    private final String sinkId;
    private final String runId;
    private final long checkpointId;
    private final List<HotdataUploadedFile> files;
    private final boolean endOfInput;

    public HotdataCommittable(
            String sinkId, String runId, long checkpointId, List<HotdataUploadedFile> files) {
        this(sinkId, runId, checkpointId, files, false);
    }

    public HotdataCommittable(
            String sinkId,
            String runId,
            long checkpointId,
            List<HotdataUploadedFile> files,
            boolean endOfInput) {
        this.sinkId = Objects.requireNonNull(sinkId, "sinkId");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.checkpointId = checkpointId;
        this.files = Collections.unmodifiableList(new ArrayList<>(files));
        this.endOfInput = endOfInput;
    }

    /**
     * Whether this is the last committable of a bounded input: in {@code replace} mode, the one
     * that publishes everything staged.
     */
    public boolean endOfInput() {
        return endOfInput;
    }

    /** The stable id of the sink (its lineage: kept across restores, set by the user or drawn). */
    public String sinkId() {
        return sinkId;
    }

    /**
     * The run of the sink: drawn when a job starts without state, kept across restores. Checkpoint
     * ids are unique only within a run, and not even there after a restore from an older savepoint.
     * Empty for committables written before runs existed.
     */
    public String runId() {
        return runId;
    }

    /** The upload ids, space-separated, in publishing order: what the commit log records. */
    public String uploadIds() {
        StringBuilder ids = new StringBuilder();
        for (HotdataUploadedFile file : files) {
            if (ids.length() > 0) {
                ids.append(' ');
            }
            ids.append(file.uploadId());
        }
        return ids.toString();
    }

    public long checkpointId() {
        return checkpointId;
    }

    public List<HotdataUploadedFile> files() {
        return files;
    }

    public long rowCount() {
        long rows = 0;
        for (HotdataUploadedFile file : files) {
            rows += file.rowCount();
        }
        return rows;
    }

    public long sizeBytes() {
        long bytes = 0;
        for (HotdataUploadedFile file : files) {
            bytes += file.sizeBytes();
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HotdataCommittable)) {
            return false;
        }
        HotdataCommittable that = (HotdataCommittable) o;
        return checkpointId == that.checkpointId
                && endOfInput == that.endOfInput
                && sinkId.equals(that.sinkId)
                && runId.equals(that.runId)
                && files.equals(that.files);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sinkId, runId, checkpointId, files, endOfInput);
    }

    @Override
    public String toString() {
        return "HotdataCommittable{sink="
                + sinkId
                + ", run="
                + runId
                + ", checkpoint="
                + checkpointId
                + ", files="
                + files
                + (endOfInput ? ", endOfInput" : "")
                + '}';
    }
}
