package dev.hotdata.flink.connector.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/**
 * A range of rows {@code [offset, end)} of a persisted Hotdata query result. Its position moves
 * forward as rows are read, so a restored reader continues where the checkpoint was taken.
 */
@Internal
public final class HotdataResultSplit implements SourceSplit {

    private final String splitId;
    private final String databaseId;
    private final String resultId;
    private final long offset;
    private final long end;

    public HotdataResultSplit(
            String splitId, String databaseId, String resultId, long offset, long end) {
        this.splitId = splitId;
        this.databaseId = databaseId;
        this.resultId = resultId;
        this.offset = offset;
        this.end = end;
    }

    @Override
    public String splitId() {
        return splitId;
    }

    public String databaseId() {
        return databaseId;
    }

    public String resultId() {
        return resultId;
    }

    public long offset() {
        return offset;
    }

    public long end() {
        return end;
    }

    HotdataResultSplit at(long newOffset) {
        return new HotdataResultSplit(splitId, databaseId, resultId, newOffset, end);
    }

    @Override
    public String toString() {
        return "HotdataResultSplit{"
                + splitId
                + ", "
                + resultId
                + " ["
                + offset
                + ", "
                + end
                + ")}";
    }

    /** Version 1: split id, database id, result id, offset, end. */
    public static final class Serializer implements SimpleVersionedSerializer<HotdataResultSplit> {

        static final Serializer INSTANCE = new Serializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(HotdataResultSplit split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(128);
            write(split, out);
            return out.getCopyOfBuffer();
        }

        static void write(HotdataResultSplit split, DataOutputSerializer out) throws IOException {
            out.writeUTF(split.splitId);
            out.writeUTF(split.databaseId);
            out.writeUTF(split.resultId);
            out.writeLong(split.offset);
            out.writeLong(split.end);
        }

        @Override
        public HotdataResultSplit deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("Unknown HotdataResultSplit serializer version " + version);
            }
            return read(new DataInputDeserializer(serialized));
        }

        static HotdataResultSplit read(DataInputDeserializer in) throws IOException {
            return new HotdataResultSplit(
                    in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readLong());
        }
    }
}
