package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** What one writer subtask uploaded for one checkpoint; the aggregator merges these. */
@Internal
public final class HotdataWriteResult {

    private final String sinkId;
    private final List<HotdataUploadedFile> files;

    public HotdataWriteResult(String sinkId, List<HotdataUploadedFile> files) {
        this.sinkId = Objects.requireNonNull(sinkId, "sinkId");
        this.files = Collections.unmodifiableList(new ArrayList<>(files));
    }

    public String sinkId() {
        return sinkId;
    }

    public List<HotdataUploadedFile> files() {
        return files;
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
        return sinkId.equals(that.sinkId) && files.equals(that.files);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sinkId, files);
    }

    @Override
    public String toString() {
        return "HotdataWriteResult{sink=" + sinkId + ", files=" + files + '}';
    }
}
