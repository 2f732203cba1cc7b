package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.util.Locale;

/** The codec of the Parquet files the sink uploads. */
@PublicEvolving
public enum ParquetCompression {
    /** Small files at about Snappy's speed; the default. */
    ZSTD(CompressionCodecName.ZSTD),
    SNAPPY(CompressionCodecName.SNAPPY),
    GZIP(CompressionCodecName.GZIP),
    UNCOMPRESSED(CompressionCodecName.UNCOMPRESSED);

    private final CompressionCodecName codec;

    ParquetCompression(CompressionCodecName codec) {
        this.codec = codec;
    }

    CompressionCodecName codec() {
        return codec;
    }

    /** Parses an option value such as {@code zstd}; the message lists the valid values. */
    public static ParquetCompression fromOptionValue(String value) {
        String normalized = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        if (normalized.equals("NONE")) {
            return UNCOMPRESSED;
        }
        for (ParquetCompression compression : values()) {
            if (compression.name().equals(normalized)) {
                return compression;
            }
        }
        throw new IllegalArgumentException(
                "Unknown Parquet compression '"
                        + value
                        + "'. Valid values: zstd, snappy, gzip, uncompressed.");
    }
}
