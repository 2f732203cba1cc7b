package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/** Versioned serializer of {@link HotdataWriteResult}. */
@Internal
public final class HotdataWriteResultSerializer
        implements SimpleVersionedSerializer<HotdataWriteResult> {

    private static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(HotdataWriteResult result) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64 + result.files().size() * 64);
        out.writeUTF(result.sinkId());
        HotdataUploadedFile.writeList(result.files(), out);
        return out.getCopyOfBuffer();
    }

    @Override
    public HotdataWriteResult deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1) {
            throw new IOException("Unknown HotdataWriteResult serializer version " + version);
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        String sinkId = in.readUTF();
        return new HotdataWriteResult(sinkId, HotdataUploadedFile.readList(in));
    }
}
