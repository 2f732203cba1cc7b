package dev.hotdata.flink.connector.format;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A Parquet {@link OutputFile} on the local file system, without Hadoop. It never overwrites: the
 * file must not exist yet. It exposes how many bytes have been handed to the stream, which is how
 * the file writer tells written bytes from buffered ones.
 */
final class LocalParquetOutputFile implements OutputFile {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final Path path;
    private Stream stream;

    LocalParquetOutputFile(Path path) {
        this.path = path;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        if (stream != null) {
            throw new IOException("Output file " + path + " was already opened");
        }
        stream =
                new Stream(
                        Files.newOutputStream(
                                path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        return stream;
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        // only reached through ParquetFileWriter.Mode.OVERWRITE, which we never use
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return path.toString();
    }

    /** Bytes handed to the file so far (some may still sit in the stream's small buffer). */
    long position() {
        return stream == null ? 0 : stream.pos;
    }

    /** Writes what the stream buffers into the file, so every {@link #position()} byte is there. */
    void flush() throws IOException {
        if (stream != null && !stream.closed) {
            stream.flush();
        }
    }

    /** Closes the stream if open, ignoring errors: for discarding a file. */
    void closeQuietly() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException | RuntimeException ignored) {
                // the file is being discarded
            }
        }
    }

    private static final class Stream extends PositionOutputStream {
        private final OutputStream out;
        private long pos;
        private boolean closed;

        Stream(OutputStream file) {
            this.out = new BufferedOutputStream(file, BUFFER_SIZE);
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pos += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }
    }
}
