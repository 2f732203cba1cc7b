package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * A writer's checkpointed state: the sink's stable id. It outlives job ids (a job resubmitted from
 * a savepoint keeps it), so the commit log can tell this sink's commits apart from others'. Nothing
 * else is needed: everything uploaded before a barrier travels as a committable.
 */
@Internal
public final class HotdataWriterState {

    private final String sinkId;

    public HotdataWriterState(String sinkId) {
        this.sinkId = Objects.requireNonNull(sinkId, "sinkId");
    }

    public String sinkId() {
        return sinkId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HotdataWriterState && sinkId.equals(((HotdataWriterState) o).sinkId);
    }

    @Override
    public int hashCode() {
        return sinkId.hashCode();
    }

    @Override
    public String toString() {
        return "HotdataWriterState{sink=" + sinkId + '}';
    }
}
