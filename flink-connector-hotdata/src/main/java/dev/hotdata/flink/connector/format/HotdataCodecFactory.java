package dev.hotdata.flink.connector.format;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet page codecs without Hadoop. parquet-java's own {@code CodecFactory} loads codecs through
 * Hadoop's {@code Configurable}; calling zstd-jni, snappy-java and the JDK's GZIP directly keeps
 * Hadoop off the connector's classpath (and out of the SQL jar).
 */
final class HotdataCodecFactory implements CompressionCodecFactory {

    /** zstd's default level: near Snappy's speed at much smaller files. */
    private static final int ZSTD_LEVEL = 3;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        switch (codecName) {
            case UNCOMPRESSED:
                return new Compressor(codecName) {
                    @Override
                    public BytesInput compress(BytesInput bytes) {
                        return bytes;
                    }
                };
            case ZSTD:
                return new Compressor(codecName) {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        return BytesInput.from(Zstd.compress(bytes.toByteArray(), ZSTD_LEVEL));
                    }
                };
            case SNAPPY:
                return new Compressor(codecName) {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        return BytesInput.from(Snappy.compress(bytes.toByteArray()));
                    }
                };
            case GZIP:
                return new Compressor(codecName) {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                            bytes.writeAllTo(gzip);
                        }
                        return BytesInput.from(out.toByteArray());
                    }
                };
            default:
                throw new IllegalArgumentException("Unsupported Parquet codec " + codecName);
        }
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        return new Decompressor(codecName);
    }

    @Override
    public void release() {}

    private abstract static class Compressor implements BytesInputCompressor {
        private final CompressionCodecName codecName;

        Compressor(CompressionCodecName codecName) {
            this.codecName = codecName;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codecName;
        }

        @Override
        public void release() {}
    }

    /** Reading is only for tests and tools; the sink never reads Parquet. */
    private static final class Decompressor implements BytesInputDecompressor {
        private final CompressionCodecName codecName;

        Decompressor(CompressionCodecName codecName) {
            this.codecName = codecName;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            return BytesInput.from(decompress(bytes.toByteArray(), decompressedSize));
        }

        @Override
        public void decompress(
                ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                throws IOException {
            byte[] compressed = new byte[compressedSize];
            input.get(compressed);
            output.put(decompress(compressed, decompressedSize));
        }

        private byte[] decompress(byte[] compressed, int size) throws IOException {
            switch (codecName) {
                case UNCOMPRESSED:
                    return compressed;
                case ZSTD:
                    return Zstd.decompress(compressed, size);
                case SNAPPY:
                    return Snappy.uncompress(compressed);
                case GZIP:
                    try (GZIPInputStream in =
                            new GZIPInputStream(new ByteArrayInputStream(compressed))) {
                        return in.readAllBytes();
                    }
                default:
                    throw new IOException("Unsupported Parquet codec " + codecName);
            }
        }

        @Override
        public void release() {}
    }
}
