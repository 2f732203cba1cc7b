package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.List;

/** Versioned serializer of {@link HotdataCommittable}; older versions stay readable. */
@Internal
public final class HotdataCommittableSerializer
        implements SimpleVersionedSerializer<HotdataCommittable> {

    /** sink id, checkpoint id, files. */
    private static final int VERSION_1 = 1;

    /** Version 1 followed by the end-of-input flag. */
    private static final int VERSION_2 = 2;

    /** Version 2 followed by the run id. */
    private static final int VERSION_3 = 3;

    @Override
    public int getVersion() {
        return VERSION_3;
    }

    @Override
    public byte[] serialize(HotdataCommittable committable) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64 + committable.files().size() * 64);
        out.writeUTF(committable.sinkId());
        out.writeLong(committable.checkpointId());
        HotdataUploadedFile.writeList(committable.files(), out);
        out.writeBoolean(committable.endOfInput());
        out.writeUTF(committable.runId());
        return out.getCopyOfBuffer();
    }

    @Override
    public HotdataCommittable deserialize(int version, byte[] serialized) throws IOException {
        if (version < VERSION_1 || version > VERSION_3) {
            throw new IOException("Unknown HotdataCommittable serializer version " + version);
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        String sinkId = in.readUTF();
        long checkpointId = in.readLong();
        List<HotdataUploadedFile> files = HotdataUploadedFile.readList(in);
        boolean endOfInput = version >= VERSION_2 && in.readBoolean();
        // committables from before runs existed: the empty run keeps their stage table's name
        String runId = version >= VERSION_3 ? in.readUTF() : "";
        return new HotdataCommittable(sinkId, runId, checkpointId, files, endOfInput);
    }
}
