package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

/** Versioned serializer of {@link HotdataWriteResult}. */
@Internal
public final class HotdataWriteResultSerializer
        implements SimpleVersionedSerializer<HotdataWriteResult> {

    private static final int VERSION_1 = 1;

    /** Adds the small files handed to the aggregator. */
    private static final int VERSION_2 = 2;

    @Override
    public int getVersion() {
        return VERSION_2;
    }

    @Override
    public byte[] serialize(HotdataWriteResult result) throws IOException {
        int smallBytes = 0;
        for (HotdataSmallFile file : result.smallFiles()) {
            smallBytes += 16 + file.bytes().length;
        }
        DataOutputSerializer out =
                new DataOutputSerializer(64 + result.files().size() * 64 + smallBytes);
        out.writeUTF(result.sinkId());
        HotdataUploadedFile.writeList(result.files(), out);
        HotdataSmallFile.writeList(result.smallFiles(), out);
        return out.getCopyOfBuffer();
    }

    @Override
    public HotdataWriteResult deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1 && version != VERSION_2) {
            throw new IOException("Unknown HotdataWriteResult serializer version " + version);
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        String sinkId = in.readUTF();
        List<HotdataUploadedFile> files = HotdataUploadedFile.readList(in);
        List<HotdataSmallFile> smallFiles =
                version == VERSION_1
                        ? Collections.<HotdataSmallFile>emptyList()
                        : HotdataSmallFile.readList(in);
        return new HotdataWriteResult(sinkId, files, smallFiles);
    }
}
