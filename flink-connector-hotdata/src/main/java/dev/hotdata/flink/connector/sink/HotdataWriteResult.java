package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What one writer subtask produced for one checkpoint: the files it uploaded itself and the small
 * files it hands to the aggregator to merge and upload. The aggregator merges these.
 */
@Internal
public final class HotdataWriteResult {

    private final String sinkId;
    private final List<HotdataUploadedFile> files;
    private final List<HotdataSmallFile> smallFiles;

    public HotdataWriteResult(String sinkId, List<HotdataUploadedFile> files) {
        this(sinkId, files, Collections.emptyList());
    }

    public HotdataWriteResult(
            String sinkId, List<HotdataUploadedFile> files, List<HotdataSmallFile> smallFiles) {
        this.sinkId = Objects.requireNonNull(sinkId, "sinkId");
        this.files = Collections.unmodifiableList(new ArrayList<>(files));
        this.smallFiles = Collections.unmodifiableList(new ArrayList<>(smallFiles));
    }

    public String sinkId() {
        return sinkId;
    }

    /** The files the writer uploaded. */
    public List<HotdataUploadedFile> files() {
        return files;
    }

    /** The small files the aggregator merges and uploads. */
    public List<HotdataSmallFile> smallFiles() {
        return smallFiles;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HotdataWriteResult)) {
            return false;
        }
        HotdataWriteResult that = (HotdataWriteResult) o;
        return sinkId.equals(that.sinkId)
                && files.equals(that.files)
                && smallFiles.equals(that.smallFiles);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sinkId, files, smallFiles);
    }

    @Override
    public String toString() {
        return "HotdataWriteResult{sink="
                + sinkId
                + ", files="
                + files
                + ", smallFiles="
                + smallFiles
                + '}';
    }
}
