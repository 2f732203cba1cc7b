package dev.hotdata.flink.connector.format;

import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;
import java.io.EOFException;

/** A Parquet {@link InputFile} over a complete file held in a byte array. Never copies it. */
final class ByteArrayInputFile implements InputFile {

    private final byte[] bytes;

    ByteArrayInputFile(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long getLength() {
        return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
        Bytes in = new Bytes(bytes);
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() {
                return in.position();
            }

            @Override
            public void seek(long newPos) throws EOFException {
                in.seek(newPos);
            }
        };
    }

    /** {@link ByteArrayInputStream} with its position exposed. */
    private static final class Bytes extends ByteArrayInputStream {
        Bytes(byte[] buf) {
            super(buf);
        }

        long position() {
            return pos;
        }

        void seek(long newPos) throws EOFException {
            if (newPos < 0 || newPos > count) {
                throw new EOFException(
                        "Cannot seek to " + newPos + " in a file of " + count + " bytes");
            }
            pos = (int) newPos;
        }
    }
}
