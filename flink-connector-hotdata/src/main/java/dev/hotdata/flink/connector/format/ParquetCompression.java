package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.util.Locale;

/**
 * Page compression of the Parquet files the connector writes. All codecs are implemented without
 * Hadoop (see {@link HotdataCodecFactory}).
 */
@PublicEvolving
public enum ParquetCompression {
    /** Zstandard (level 3): about GZIP's size at SNAPPY's speed. The default. */
    ZSTD(CompressionCodecName.ZSTD),
    /** Snappy: fastest, larger files. */
    SNAPPY(CompressionCodecName.SNAPPY),
    /** GZIP (deflate, level 6): small files, slowest to write. */
    GZIP(CompressionCodecName.GZIP),
    /** No compression. */
    UNCOMPRESSED(CompressionCodecName.UNCOMPRESSED);

    private final CompressionCodecName codecName;

    ParquetCompression(CompressionCodecName codecName) {
        this.codecName = codecName;
    }

    CompressionCodecName codecName() {
        return codecName;
    }

    /**
     * Parses a codec name case-insensitively ({@code zstd}, {@code snappy}, {@code gzip}, {@code
     * uncompressed}, or {@code none} for {@link #UNCOMPRESSED}).
     *
     * @throws IllegalArgumentException naming the accepted values if {@code name} is none of them
     */
    public static ParquetCompression fromName(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("NONE")) {
            return UNCOMPRESSED;
        }
        for (ParquetCompression c : values()) {
            if (c.name().equals(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "Unknown Parquet compression '"
                        + name
                        + "'. Supported: zstd, snappy, gzip, uncompressed (none).");
    }
}
