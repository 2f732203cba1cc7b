package dev.hotdata.flink.connector.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet page codecs without Hadoop. parquet-java's own {@code CodecFactory} instantiates Hadoop
 * {@code CompressionCodec}s (and fails with {@code NoClassDefFoundError:
 * org/apache/hadoop/conf/Configurable} when Hadoop is absent), so this factory calls the codec
 * libraries directly: zstd-jni (ZSTD frames at a chosen level), snappy-java (raw Snappy blocks, as
 * Parquet specifies) and {@code java.util.zip} (GZIP members).
 *
 * <p>Compressors reuse their input and output buffers between pages; as the {@link
 * CompressionCodecFactory} contract allows, a returned {@link BytesInput} is only valid until the
 * next call. Not thread-safe: one factory per file writer.
 */
final class HotdataCodecFactory implements CompressionCodecFactory {

    private final int zstdLevel;
    private final List<BytesInputCompressor> compressors = new ArrayList<>();

    /** Codecs with {@link ParquetWriterOptions#DEFAULT_ZSTD_LEVEL}. */
    HotdataCodecFactory() {
        this(ParquetWriterOptions.DEFAULT_ZSTD_LEVEL);
    }

    /**
     * @param zstdLevel the ZSTD level (parquet-java's default, {@code
     *     parquet.compression.codec.zstd.level}, is 3)
     */
    HotdataCodecFactory(int zstdLevel) {
        this.zstdLevel = zstdLevel;
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        BytesInputCompressor c;
        switch (codecName) {
            case UNCOMPRESSED:
                c = new UncompressedCompressor();
                break;
            case ZSTD:
                c = new ZstdCompressor(zstdLevel);
                break;
            case SNAPPY:
                c = new SnappyCompressor();
                break;
            case GZIP:
                c = new GzipCompressor();
                break;
            default:
                throw new UnsupportedOperationException(
                        "Parquet codec "
                                + codecName
                                + " is not supported by the Hotdata connector");
        }
        compressors.add(c);
        return c;
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        // the write path never decompresses; provided so the factory is complete
        return new Decompressor(codecName);
    }

    @Override
    public void release() {
        for (BytesInputCompressor c : compressors) {
            c.release();
        }
        compressors.clear();
    }

    /** A ByteArrayOutputStream whose buffer can be read without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }

        int length() {
            return count;
        }

        /** Copies {@code bytes} in, reusing the array. */
        void fill(BytesInput bytes) throws IOException {
            reset();
            bytes.writeAllTo(this);
        }

        void release() {
            buf = new byte[0];
            count = 0;
        }
    }

    private static final class UncompressedCompressor implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput bytes) {
            return bytes;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public void release() {}
    }

    private static final class ZstdCompressor implements BytesInputCompressor {
        private final Buffer input = new Buffer();
        private final ZstdCompressCtx ctx;
        private byte[] output = new byte[0];

        ZstdCompressor(int level) {
            this.ctx = new ZstdCompressCtx().setLevel(level);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            input.fill(bytes);
            int bound = (int) Zstd.compressBound(input.length());
            if (output.length < bound) {
                output = new byte[bound];
            }
            int n =
                    ctx.compressByteArray(
                            output, 0, output.length, input.array(), 0, input.length());
            return BytesInput.from(output, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {
            ctx.close();
            input.release();
            output = new byte[0];
        }
    }

    private static final class SnappyCompressor implements BytesInputCompressor {
        private final Buffer input = new Buffer();
        private byte[] output = new byte[0];

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            input.fill(bytes);
            int bound = Snappy.maxCompressedLength(input.length());
            if (output.length < bound) {
                output = new byte[bound];
            }
            int n = Snappy.compress(input.array(), 0, input.length(), output, 0);
            return BytesInput.from(output, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.SNAPPY;
        }

        @Override
        public void release() {
            input.release();
            output = new byte[0];
        }
    }

    private static final class GzipCompressor implements BytesInputCompressor {
        private final Buffer output = new Buffer();

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            output.reset();
            try (GZIPOutputStream gzip = new GZIPOutputStream(output, 64 * 1024)) {
                bytes.writeAllTo(gzip);
            }
            return BytesInput.from(output.array(), 0, output.length());
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {
            output.release();
        }
    }

    private static final class Decompressor implements BytesInputDecompressor {
        private final CompressionCodecName codec;

        Decompressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            byte[] in = bytes.toByteArray();
            byte[] out = new byte[decompressedSize];
            switch (codec) {
                case UNCOMPRESSED:
                    return BytesInput.from(in);
                case ZSTD:
                    long n = Zstd.decompressByteArray(out, 0, out.length, in, 0, in.length);
                    if (Zstd.isError(n)) {
                        throw new IOException("ZSTD: " + Zstd.getErrorName(n));
                    }
                    break;
                case SNAPPY:
                    Snappy.uncompress(in, 0, in.length, out, 0);
                    break;
                case GZIP:
                    try (InputStream gz =
                            new GZIPInputStream(BytesInput.from(in).toInputStream())) {
                        int off = 0;
                        while (off < out.length) {
                            int r = gz.read(out, off, out.length - off);
                            if (r < 0) {
                                break;
                            }
                            off += r;
                        }
                    }
                    break;
                default:
                    throw new UnsupportedOperationException("Parquet codec " + codec);
            }
            return BytesInput.from(out);
        }

        @Override
        public void decompress(
                ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(BytesInput.from(in), decompressedSize).toByteArray());
        }

        @Override
        public void release() {}
    }
}
