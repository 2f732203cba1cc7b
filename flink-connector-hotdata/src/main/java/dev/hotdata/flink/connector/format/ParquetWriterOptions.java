package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.Objects;

/** How the sink encodes Parquet: codec, row group and page sizes, dictionary encoding. */
@PublicEvolving
public final class ParquetWriterOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A row group is buffered in heap until full, so this bounds a writer's memory. */
    public static final long DEFAULT_ROW_GROUP_SIZE_BYTES = 32L * 1024 * 1024;

    public static final int DEFAULT_PAGE_SIZE_BYTES = 1024 * 1024;

    private final ParquetCompression compression;
    private final long rowGroupSizeBytes;
    private final int pageSizeBytes;
    private final boolean dictionaryEnabled;

    private ParquetWriterOptions(Builder builder) {
        this.compression = builder.compression;
        this.rowGroupSizeBytes = builder.rowGroupSizeBytes;
        this.pageSizeBytes = builder.pageSizeBytes;
        this.dictionaryEnabled = builder.dictionaryEnabled;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** ZSTD, 32 MiB row groups, 1 MiB pages, dictionary encoding on. */
    public static ParquetWriterOptions defaults() {
        return builder().build();
    }

    public ParquetCompression compression() {
        return compression;
    }

    public long rowGroupSizeBytes() {
        return rowGroupSizeBytes;
    }

    public int pageSizeBytes() {
        return pageSizeBytes;
    }

    public boolean dictionaryEnabled() {
        return dictionaryEnabled;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ParquetWriterOptions)) {
            return false;
        }
        ParquetWriterOptions that = (ParquetWriterOptions) o;
        return compression == that.compression
                && rowGroupSizeBytes == that.rowGroupSizeBytes
                && pageSizeBytes == that.pageSizeBytes
                && dictionaryEnabled == that.dictionaryEnabled;
    }

    @Override
    public int hashCode() {
        return Objects.hash(compression, rowGroupSizeBytes, pageSizeBytes, dictionaryEnabled);
    }

    @Override
    public String toString() {
        return "ParquetWriterOptions{compression="
                + compression
                + ", rowGroupSizeBytes="
                + rowGroupSizeBytes
                + ", pageSizeBytes="
                + pageSizeBytes
                + ", dictionary="
                + dictionaryEnabled
                + '}';
    }

    /** Builds {@link ParquetWriterOptions}. */
    public static final class Builder {
        private ParquetCompression compression = ParquetCompression.ZSTD;
        private long rowGroupSizeBytes = DEFAULT_ROW_GROUP_SIZE_BYTES;
        private int pageSizeBytes = DEFAULT_PAGE_SIZE_BYTES;
        private boolean dictionaryEnabled = true;

        private Builder() {}

        public Builder compression(ParquetCompression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        public Builder rowGroupSizeBytes(long rowGroupSizeBytes) {
            if (rowGroupSizeBytes < 64 * 1024) {
                throw new IllegalArgumentException(
                        "Parquet row group size must be at least 64 KiB, but was "
                                + rowGroupSizeBytes
                                + " bytes.");
            }
            this.rowGroupSizeBytes = rowGroupSizeBytes;
            return this;
        }

        public Builder pageSizeBytes(int pageSizeBytes) {
            if (pageSizeBytes < 1024) {
                throw new IllegalArgumentException(
                        "Parquet page size must be at least 1 KiB, but was "
                                + pageSizeBytes
                                + " bytes.");
            }
            this.pageSizeBytes = pageSizeBytes;
            return this;
        }

        public Builder dictionaryEnabled(boolean dictionaryEnabled) {
            this.dictionaryEnabled = dictionaryEnabled;
            return this;
        }

        public ParquetWriterOptions build() {
            return new ParquetWriterOptions(this);
        }
    }
}
