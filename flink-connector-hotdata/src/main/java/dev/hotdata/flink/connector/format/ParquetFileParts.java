package dev.hotdata.flink.connector.format;

import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.format.BloomFilterHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.hadoop.metadata.IndexReference;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads the metadata parts of a Parquet file, without Hadoop: the footer, and a column chunk's
 * column index, offset index and bloom filter. parquet-java's {@code ParquetFileReader} does this,
 * but cannot be used here: building its {@code ParquetReadOptions} loads Hadoop's {@code
 * FileInputFormat}. So this does what its {@code readFooter}, {@code readColumnIndex}, {@code
 * readOffsetIndex} and {@code readBloomFilter} do for an unencrypted file, with the same parquet
 * classes for the decoding ({@link ParquetMetadataConverter}, {@link Util}).
 */
final class ParquetFileParts {

    private static final int FOOTER_LENGTH_SIZE = 4;

    private ParquetFileParts() {}

    /**
     * Reads the footer of an unencrypted Parquet file of {@code length} bytes.
     *
     * @throws IOException if it is not such a file (the message does not name the file)
     */
    static ParquetMetadata readFooter(SeekableInputStream in, long length) throws IOException {
        byte[] magic = ParquetFileWriter.MAGIC;
        if (length < magic.length + FOOTER_LENGTH_SIZE + magic.length) {
            throw new IOException("not a Parquet file (only " + length + " bytes)");
        }
        byte[] tail = new byte[FOOTER_LENGTH_SIZE + magic.length];
        long tailStart = length - tail.length;
        in.seek(tailStart);
        in.readFully(tail);
        byte[] tailMagic = Arrays.copyOfRange(tail, FOOTER_LENGTH_SIZE, tail.length);
        if (Arrays.equals(ParquetFileWriter.EFMAGIC, tailMagic)) {
            throw new IOException("an encrypted Parquet file, which is not supported");
        }
        if (!Arrays.equals(magic, tailMagic)) {
            throw new IOException("not a Parquet file (no magic number at its end)");
        }
        int footerLength = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt();
        long footerStart = tailStart - footerLength;
        if (footerLength < 0 || footerStart < magic.length) {
            throw new IOException("corrupt: footer length " + footerLength + " out of range");
        }
        byte[] footer = new byte[footerLength];
        in.seek(footerStart);
        in.readFully(footer);
        return new ParquetMetadataConverter()
                .readParquetMetadata(
                        new ByteArrayInputStream(footer), ParquetMetadataConverter.NO_FILTER);
    }

    /** The chunk's column index, or null if it has none. */
    static ColumnIndex readColumnIndex(SeekableInputStream in, ColumnChunkMetaData chunk)
            throws IOException {
        IndexReference ref = chunk.getColumnIndexReference();
        if (ref == null) {
            return null;
        }
        in.seek(ref.getOffset());
        return ParquetMetadataConverter.fromParquetColumnIndex(
                chunk.getPrimitiveType(), Util.readColumnIndex(in));
    }

    /** The chunk's offset index, or null if it has none. */
    static OffsetIndex readOffsetIndex(SeekableInputStream in, ColumnChunkMetaData chunk)
            throws IOException {
        IndexReference ref = chunk.getOffsetIndexReference();
        if (ref == null) {
            return null;
        }
        in.seek(ref.getOffset());
        return ParquetMetadataConverter.fromParquetOffsetIndex(Util.readOffsetIndex(in));
    }

    /**
     * The chunk's bloom filter, or null if it has none, or one of a kind parquet-java does not read
     * (as its reader, which then also returns null).
     */
    static BloomFilter readBloomFilter(SeekableInputStream in, ColumnChunkMetaData chunk)
            throws IOException {
        long offset = chunk.getBloomFilterOffset();
        if (offset < 0) {
            return null;
        }
        in.seek(offset);
        BloomFilterHeader header = Util.readBloomFilterHeader(in);
        int numBytes = header.getNumBytes();
        if (numBytes <= 0
                || numBytes > BlockSplitBloomFilter.UPPER_BOUND_BYTES
                || !header.getHash().isSetXXHASH()
                || !header.getAlgorithm().isSetBLOCK()
                || !header.getCompression().isSetUNCOMPRESSED()) {
            return null;
        }
        byte[] bitset = new byte[numBytes];
        in.readFully(bitset);
        return new BlockSplitBloomFilter(bitset);
    }
}
