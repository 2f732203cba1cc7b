package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.Objects;

/**
 * How the connector encodes Parquet files: codec, row-group and page sizes, dictionary encoding and
 * timestamp unit. Immutable; create with {@link #builder()}.
 *
 * <p>The row-group size bounds the writer's heap: Parquet buffers a whole row group in memory
 * before writing it out, so each open file holds at most about {@link #rowGroupSizeBytes()} of
 * encoded data.
 */
@PublicEvolving
public final class ParquetWriterOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Default row-group size: 8 MiB. It bounds the writer's heap, and a finished row group is what
     * lets the open file's parts upload before the barrier; smaller costs little in size.
     */
    public static final long DEFAULT_ROW_GROUP_SIZE_BYTES = 8L * 1024 * 1024;

    /** Default page size: 1 MiB, parquet-java's default. */
    public static final int DEFAULT_PAGE_SIZE_BYTES = 1024 * 1024;

    /**
     * Default ZSTD level: 1. parquet-java's default is 3; on the connector's benchmark rows level 1
     * encodes about 14% faster (the codec is about a quarter of the encoding time) for files 1.6%
     * larger (docs/performance.md).
     */
    public static final int DEFAULT_ZSTD_LEVEL = 1;

    private final ParquetCompression compression;
    private final long rowGroupSizeBytes;
    private final int pageSizeBytes;
    private final boolean dictionaryEnabled;
    private final ParquetTimestampUnit timestampUnit;
    private final int zstdLevel;

    private ParquetWriterOptions(Builder b) {
        this.compression = b.compression;
        this.rowGroupSizeBytes = b.rowGroupSizeBytes;
        this.pageSizeBytes = b.pageSizeBytes;
        this.dictionaryEnabled = b.dictionaryEnabled;
        this.timestampUnit = b.timestampUnit;
        this.zstdLevel = b.zstdLevel;
    }

    /**
     * A builder with the defaults: ZSTD at level 1, 8 MiB row groups, 1 MiB pages, dictionary,
     * MICROS.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults, same as {@code builder().build()}. */
    public static ParquetWriterOptions defaults() {
        return builder().build();
    }

    /** Page compression codec. */
    public ParquetCompression compression() {
        return compression;
    }

    /** Target row-group size in bytes (encoded, buffered in heap until reached). */
    public long rowGroupSizeBytes() {
        return rowGroupSizeBytes;
    }

    /** Target page size in bytes (also the dictionary page size). */
    public int pageSizeBytes() {
        return pageSizeBytes;
    }

    /** Whether dictionary encoding is used (falls back to plain per column chunk when large). */
    public boolean dictionaryEnabled() {
        return dictionaryEnabled;
    }

    /** Unit of TIMESTAMP and TIMESTAMP_LTZ columns. */
    public ParquetTimestampUnit timestampUnit() {
        return timestampUnit;
    }

    /** Compression level when the codec is {@link ParquetCompression#ZSTD} (1 to 22). */
    public int zstdLevel() {
        return zstdLevel;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ParquetWriterOptions)) {
            return false;
        }
        ParquetWriterOptions that = (ParquetWriterOptions) o;
        return rowGroupSizeBytes == that.rowGroupSizeBytes
                && pageSizeBytes == that.pageSizeBytes
                && dictionaryEnabled == that.dictionaryEnabled
                && zstdLevel == that.zstdLevel
                && compression == that.compression
                && timestampUnit == that.timestampUnit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                compression,
                rowGroupSizeBytes,
                pageSizeBytes,
                dictionaryEnabled,
                timestampUnit,
                zstdLevel);
    }

    @Override
    public String toString() {
        return "ParquetWriterOptions{compression="
                + compression
                + ", rowGroupSizeBytes="
                + rowGroupSizeBytes
                + ", pageSizeBytes="
                + pageSizeBytes
                + ", dictionaryEnabled="
                + dictionaryEnabled
                + ", timestampUnit="
                + timestampUnit
                + ", zstdLevel="
                + zstdLevel
                + '}';
    }

    /** Builder of {@link ParquetWriterOptions}. */
    @PublicEvolving
    public static final class Builder {
        private ParquetCompression compression = ParquetCompression.ZSTD;
        private long rowGroupSizeBytes = DEFAULT_ROW_GROUP_SIZE_BYTES;
        private int pageSizeBytes = DEFAULT_PAGE_SIZE_BYTES;
        private boolean dictionaryEnabled = true;
        private ParquetTimestampUnit timestampUnit = ParquetTimestampUnit.MICROS;
        private int zstdLevel = DEFAULT_ZSTD_LEVEL;

        private Builder() {}

        /** Page compression (default {@link ParquetCompression#ZSTD}). */
        public Builder compression(ParquetCompression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /** Target row-group size in bytes, at least 64 KiB (default 8 MiB). */
        public Builder rowGroupSizeBytes(long rowGroupSizeBytes) {
            if (rowGroupSizeBytes < 64 * 1024) {
                throw new IllegalArgumentException(
                        "rowGroupSizeBytes must be at least 65536, got " + rowGroupSizeBytes);
            }
            this.rowGroupSizeBytes = rowGroupSizeBytes;
            return this;
        }

        /** Target page size in bytes, at least 1 KiB (default 1 MiB). */
        public Builder pageSizeBytes(int pageSizeBytes) {
            if (pageSizeBytes < 1024) {
                throw new IllegalArgumentException(
                        "pageSizeBytes must be at least 1024, got " + pageSizeBytes);
            }
            this.pageSizeBytes = pageSizeBytes;
            return this;
        }

        /** Whether to use dictionary encoding (default true). */
        public Builder dictionaryEnabled(boolean dictionaryEnabled) {
            this.dictionaryEnabled = dictionaryEnabled;
            return this;
        }

        /**
         * Unit of TIMESTAMP / TIMESTAMP_LTZ columns (default {@link ParquetTimestampUnit#MICROS}).
         */
        public Builder timestampUnit(ParquetTimestampUnit timestampUnit) {
            this.timestampUnit = Objects.requireNonNull(timestampUnit, "timestampUnit");
            return this;
        }

        /**
         * ZSTD compression level, 1 (fastest) to 22 (smallest), default {@value
         * #DEFAULT_ZSTD_LEVEL}; ignored by the other codecs.
         */
        public Builder zstdLevel(int zstdLevel) {
            if (zstdLevel < 1 || zstdLevel > 22) {
                throw new IllegalArgumentException(
                        "zstdLevel must be between 1 and 22, got " + zstdLevel);
            }
            this.zstdLevel = zstdLevel;
            return this;
        }

        /** Builds the options; fails if the page size exceeds the row-group size. */
        public ParquetWriterOptions build() {
            if (pageSizeBytes > rowGroupSizeBytes) {
                throw new IllegalArgumentException(
                        "pageSizeBytes ("
                                + pageSizeBytes
                                + ") must not exceed rowGroupSizeBytes ("
                                + rowGroupSizeBytes
                                + ")");
            }
            return new ParquetWriterOptions(this);
        }
    }
}
