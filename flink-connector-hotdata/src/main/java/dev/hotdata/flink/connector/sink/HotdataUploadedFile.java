package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;

/**
 * A finalized Hotdata upload waiting to be published: what a writer hands to the committer. It
 * names the upload by id only, never a local path, because local disk is not part of a checkpoint.
 */
@Internal
public final class HotdataUploadedFile implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What the rows of an upload are for. */
    public enum Kind {
        /** Rows to publish with the sink's data mode (append, upsert, ...). */
        ROWS((byte) 0),
        /** Key columns of rows to delete. */
        DELETES((byte) 1);

        private final byte code;

        Kind(byte code) {
            this.code = code;
        }

        byte code() {
            return code;
        }

        static Kind ofCode(byte code) throws IOException {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IOException("Unknown uploaded file kind " + code);
        }
    }

    private final String uploadId;
    private final Kind kind;
    private final long rowCount;
    private final long sizeBytes;

    public HotdataUploadedFile(String uploadId, Kind kind, long rowCount, long sizeBytes) {
        this.uploadId = Objects.requireNonNull(uploadId, "uploadId");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.rowCount = rowCount;
        this.sizeBytes = sizeBytes;
    }

    public String uploadId() {
        return uploadId;
    }

    public Kind kind() {
        return kind;
    }

    public long rowCount() {
        return rowCount;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeUTF(uploadId);
        out.writeByte(kind.code);
        out.writeLong(rowCount);
        out.writeLong(sizeBytes);
    }

    static HotdataUploadedFile readFrom(DataInput in) throws IOException {
        String uploadId = in.readUTF();
        Kind kind = Kind.ofCode(in.readByte());
        return new HotdataUploadedFile(uploadId, kind, in.readLong(), in.readLong());
    }

    /** Writes a list of files in the format both versioned serializers share. */
    public static void writeList(java.util.List<HotdataUploadedFile> files, DataOutput out)
            throws IOException {
        out.writeInt(files.size());
        for (HotdataUploadedFile file : files) {
            file.writeTo(out);
        }
    }

    /** Reads what {@link #writeList} wrote. */
    public static java.util.List<HotdataUploadedFile> readList(DataInput in) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            throw new IOException("Corrupt file list: negative size " + size);
        }
        java.util.List<HotdataUploadedFile> files = new java.util.ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            files.add(readFrom(in));
        }
        return files;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HotdataUploadedFile)) {
            return false;
        }
        HotdataUploadedFile that = (HotdataUploadedFile) o;
        return rowCount == that.rowCount
                && sizeBytes == that.sizeBytes
                && uploadId.equals(that.uploadId)
                && kind == that.kind;
    }

    @Override
    public int hashCode() {
        return Objects.hash(uploadId, kind, rowCount, sizeBytes);
    }

    @Override
    public String toString() {
        return kind + "(" + uploadId + ", rows=" + rowCount + ", bytes=" + sizeBytes + ")";
    }
}
