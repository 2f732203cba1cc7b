package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/** Versioned serializer of {@link HotdataWriterState}. */
@Internal
public final class HotdataWriterStateSerializer
        implements SimpleVersionedSerializer<HotdataWriterState> {

    private static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(HotdataWriterState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(state.sinkId());
        return out.getCopyOfBuffer();
    }

    @Override
    public HotdataWriterState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1) {
            throw new IOException("Unknown HotdataWriterState serializer version " + version);
        }
        return new HotdataWriterState(new DataInputDeserializer(serialized).readUTF());
    }
}
