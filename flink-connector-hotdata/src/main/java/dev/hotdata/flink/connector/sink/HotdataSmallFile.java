package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A finished Parquet file small enough that its writer hands the bytes to the commit aggregator
 * instead of uploading it: the aggregator merges every writer's small files of a checkpoint into
 * one upload per kind, so a checkpoint costs one load however many writers it has. It travels only
 * between the writers and the aggregator, before the barrier; it is never part of a checkpoint.
 */
@Internal
public final class HotdataSmallFile {

    private final HotdataUploadedFile.Kind kind;
    private final long rowCount;
    private final byte[] bytes;

    public HotdataSmallFile(HotdataUploadedFile.Kind kind, long rowCount, byte[] bytes) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.rowCount = rowCount;
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    public HotdataUploadedFile.Kind kind() {
        return kind;
    }

    public long rowCount() {
        return rowCount;
    }

    /** The whole Parquet file; not copied. */
    public byte[] bytes() {
        return bytes;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeByte(kind.code());
        out.writeLong(rowCount);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static HotdataSmallFile readFrom(DataInput in) throws IOException {
        HotdataUploadedFile.Kind kind = HotdataUploadedFile.Kind.ofCode(in.readByte());
        long rows = in.readLong();
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("Corrupt small file length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new HotdataSmallFile(kind, rows, bytes);
    }

    static void writeList(List<HotdataSmallFile> files, DataOutput out) throws IOException {
        out.writeInt(files.size());
        for (HotdataSmallFile file : files) {
            file.writeTo(out);
        }
    }

    static List<HotdataSmallFile> readList(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("Corrupt small file count " + n);
        }
        List<HotdataSmallFile> files = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            files.add(readFrom(in));
        }
        return files;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HotdataSmallFile)) {
            return false;
        }
        HotdataSmallFile that = (HotdataSmallFile) o;
        return rowCount == that.rowCount && kind == that.kind && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, rowCount) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "HotdataSmallFile{" + kind + ", rows=" + rowCount + ", bytes=" + bytes.length + '}';
    }
}
