package dev.hotdata.flink.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;

/** Hands the result's ranges to readers that ask, then tells them there are no more. */
@Internal
final class HotdataSplitEnumerator
        implements SplitEnumerator<HotdataResultSplit, Collection<HotdataResultSplit>> {

    private final SplitEnumeratorContext<HotdataResultSplit> context;
    private final Queue<HotdataResultSplit> remaining;

    HotdataSplitEnumerator(
            SplitEnumeratorContext<HotdataResultSplit> context,
            Collection<HotdataResultSplit> splits) {
        this.context = context;
        this.remaining = new ArrayDeque<>(splits);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        HotdataResultSplit next = remaining.poll();
        if (next != null) {
            context.assignSplit(next, subtaskId);
        } else {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    @Override
    public void addSplitsBack(List<HotdataResultSplit> splits, int subtaskId) {
        remaining.addAll(splits);
    }

    @Override
    public void addReader(int subtaskId) {}

    @Override
    public Collection<HotdataResultSplit> snapshotState(long checkpointId) {
        return new ArrayList<>(remaining);
    }

    @Override
    public void close() {}

    /** Version 1: count, then the splits. */
    static final class StateSerializer
            implements SimpleVersionedSerializer<Collection<HotdataResultSplit>> {

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<HotdataResultSplit> splits) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeInt(splits.size());
            for (HotdataResultSplit split : splits) {
                HotdataResultSplit.Serializer.write(split, out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Collection<HotdataResultSplit> deserialize(int version, byte[] serialized)
                throws IOException {
            if (version != 1) {
                throw new IOException("Unknown enumerator state version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int n = in.readInt();
            List<HotdataResultSplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                splits.add(HotdataResultSplit.Serializer.read(in));
            }
            return splits;
        }
    }
}
