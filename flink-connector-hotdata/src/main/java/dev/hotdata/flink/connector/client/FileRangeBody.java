package dev.hotdata.flink.connector.client;

import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A replayable request body streaming {@code length} bytes of a file from {@code offset}: parts of
 * large files are PUT without copying them into memory. No {@code Content-Type} (storage PUTs must
 * carry only what the presigned URL expects).
 */
final class FileRangeBody extends RequestBody {

    private final Path file;
    private final long offset;
    private final long length;

    FileRangeBody(Path file, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range " + offset + "+" + length);
        }
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public MediaType contentType() {
        return null;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(offset);
            try (Source src = Okio.source(Channels.newInputStream(ch))) {
                long remaining = length;
                while (remaining > 0) {
                    long n = src.read(sink.getBuffer(), Math.min(remaining, 64 * 1024));
                    if (n < 0) {
                        throw new IOException(
                                "file " + file.getFileName() + " shrank while being uploaded");
                    }
                    remaining -= n;
                    sink.emitCompleteSegments();
                }
            }
        }
    }
}
