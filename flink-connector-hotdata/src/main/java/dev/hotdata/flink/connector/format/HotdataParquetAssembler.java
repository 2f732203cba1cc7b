package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.Internal;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assembles several complete Parquet files of one schema into one file holding all their row
 * groups, in input order. The row groups are copied byte for byte, not decoded and re-encoded: the
 * cost is a copy, and the data pages, dictionary pages, page checksums and column statistics are
 * the inputs' own.
 *
 * <p>Why: a load into Hotdata costs about two seconds and takes exactly one upload, so a checkpoint
 * in which each of N sink writers uploads its own file costs N loads. Writers with little data hand
 * their finished files to the single commit aggregator instead, which assembles one file per table
 * and kind (rows, deletes) and uploads it once: one load per table per checkpoint.
 *
 * <p>The copying is parquet-java's: {@link ParquetFileWriter#appendColumnChunk} copies each column
 * chunk and rebases its offsets (the chunk's page offsets in the footer and its offset index). It
 * is used rather than {@link ParquetFileWriter#appendFile} / {@code appendRowGroups}, which drop
 * the column and offset indexes (page-level min/max and locations that readers use to skip pages)
 * and bloom filters; here they are read from each input and written again for the assembled file.
 * What is not kept: the optional size statistics of the column chunks' metadata (parquet-java's
 * append path does not carry them), which readers use only to estimate memory. No Hadoop class is
 * needed: the inputs' footers and indexes are read by {@link ParquetFileParts} (parquet-java's
 * {@code ParquetFileReader} loads Hadoop), the output is a {@link LocalParquetOutputFile}.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>All inputs, empty ones included, must have equal Parquet schemas and equal key-value
 *       metadata (files from one {@link HotdataParquetWriterFactory} do); otherwise {@link
 *       IllegalArgumentException} naming the first input and the differing one, before the target
 *       is created. The assembled file keeps that key-value metadata.
 *   <li>Inputs without rows contribute nothing. If no input has rows, the target is a copy of the
 *       first input: a valid file with the schema and no row groups.
 *   <li>If exactly one input has rows, the target is a byte-for-byte copy of it (nothing to
 *       assemble; this also keeps its size statistics).
 *   <li>The target must not exist; its directory must. If assembling fails, the partial target is
 *       deleted.
 * </ul>
 *
 * <p>Stateless and thread-safe; the inputs are only read.
 */
@Internal
public final class HotdataParquetAssembler {

    private HotdataParquetAssembler() {}

    /**
     * Writes one Parquet file at {@code target} holding the row groups of all {@code inputs}, in
     * order (see the class doc for the rules).
     *
     * @throws IllegalArgumentException if {@code inputs} is empty, or the inputs' schemas or
     *     key-value metadata differ
     * @throws FileAlreadyExistsException if {@code target} exists
     * @throws IOException if an input is not a readable Parquet file, or the target cannot be
     *     written
     */
    public static Result assemble(List<Input> inputs, Path target) throws IOException {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(target, "target");
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("No Parquet files to assemble into " + target);
        }
        List<Opened> opened = new ArrayList<>(inputs.size());
        try {
            for (Input input : inputs) {
                opened.add(Opened.open(Objects.requireNonNull(input, "input")));
            }
            Opened first = opened.get(0);
            List<Opened> withRows = new ArrayList<>();
            for (Opened o : opened) {
                checkCompatible(first, o);
                if (o.rowCount() > 0) {
                    withRows.add(o);
                }
            }
            if (withRows.size() <= 1) {
                return copy(withRows.isEmpty() ? first : withRows.get(0), target);
            }
            return append(withRows, first.schema(), first.keyValueMetadata(), target);
        } finally {
            for (Opened o : opened) {
                o.closeQuietly();
            }
        }
    }

    private static void checkCompatible(Opened first, Opened other) {
        if (!first.schema().equals(other.schema())) {
            throw new IllegalArgumentException(
                    "Cannot assemble Parquet files of different schemas: "
                            + other.input.name()
                            + " has "
                            + other.schema()
                            + " but "
                            + first.input.name()
                            + " has "
                            + first.schema());
        }
        if (!first.keyValueMetadata().equals(other.keyValueMetadata())) {
            throw new IllegalArgumentException(
                    "Cannot assemble Parquet files of different key-value metadata: "
                            + other.input.name()
                            + " has "
                            + other.keyValueMetadata()
                            + " but "
                            + first.input.name()
                            + " has "
                            + first.keyValueMetadata());
        }
    }

    /** The target as a verbatim copy of one input. */
    private static Result copy(Opened only, Path target) throws IOException {
        // outside the try: if the target exists, it is not ours to delete
        OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW);
        long size;
        try (out;
                SeekableInputStream in = only.input.file().newStream()) {
            size = in.transferTo(out);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(target);
            throw e;
        }
        int rowGroups = 0;
        for (BlockMetaData block : only.footer.getBlocks()) {
            if (block.getRowCount() > 0) {
                rowGroups++;
            }
        }
        return new Result(target, only.rowCount(), rowGroups, size, true);
    }

    /** The target as a new file of all inputs' row groups, copied chunk by chunk. */
    private static Result append(
            List<Opened> inputs, MessageType schema, Map<String, String> keyValue, Path target)
            throws IOException {
        LocalParquetOutputFile output = new LocalParquetOutputFile(target);
        ParquetFileWriter writer;
        try {
            // as RowGroupWriter builds it; the row-group size only matters for padding, which a
            // local file never gets
            writer =
                    new ParquetFileWriter(
                            output,
                            schema,
                            ParquetFileWriter.Mode.CREATE,
                            ParquetWriter.DEFAULT_BLOCK_SIZE,
                            0,
                            null,
                            ParquetProperties.builder().build());
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            output.closeQuietly();
            Files.deleteIfExists(target);
            throw e;
        }
        boolean done = false;
        try {
            writer.start();
            long rows = 0;
            int rowGroups = 0;
            for (Opened in : inputs) {
                List<BlockMetaData> blocks = in.footer.getBlocks();
                for (int b = 0; b < blocks.size(); b++) {
                    BlockMetaData block = blocks.get(b);
                    if (block.getRowCount() == 0) {
                        continue; // parquet-java refuses to write an empty row group
                    }
                    appendRowGroup(writer, schema, in, b, block);
                    rows += block.getRowCount();
                    rowGroups++;
                }
            }
            writer.end(keyValue); // writes the indexes and the footer, closes the file
            done = true;
            return new Result(target, rows, rowGroups, output.position(), false);
        } finally {
            if (!done) {
                output.closeQuietly();
                Files.deleteIfExists(target);
            }
        }
    }

    private static void appendRowGroup(
            ParquetFileWriter writer, MessageType schema, Opened in, int index, BlockMetaData block)
            throws IOException {
        Map<ColumnPath, ColumnChunkMetaData> chunks = new HashMap<>();
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            chunks.put(chunk.getPath(), chunk);
        }
        writer.startBlock(block.getRowCount());
        for (ColumnDescriptor column : schema.getColumns()) {
            ColumnChunkMetaData chunk = chunks.get(ColumnPath.get(column.getPath()));
            if (chunk == null) {
                throw new IOException(
                        "Parquet file "
                                + in.input.name()
                                + " has no column chunk for "
                                + ColumnPath.get(column.getPath()).toDotString()
                                + " in row group "
                                + index);
            }
            // each read seeks the input stream; appendColumnChunk seeks it again to the chunk
            writer.appendColumnChunk(
                    column,
                    in.stream,
                    chunk,
                    ParquetFileParts.readBloomFilter(in.stream, chunk),
                    ParquetFileParts.readColumnIndex(in.stream, chunk),
                    ParquetFileParts.readOffsetIndex(in.stream, chunk));
        }
        writer.endBlock();
    }

    /** One input file: its name (for messages) and its bytes. */
    public static final class Input {
        private final String name;
        private final InputFile file;

        private Input(String name, InputFile file) {
            this.name = name;
            this.file = file;
        }

        /** A complete Parquet file on the local file system. */
        public static Input of(Path file) {
            return new Input(file.toString(), new LocalInputFile(file));
        }

        /**
         * A complete Parquet file held in memory. The array is read, never copied or changed; the
         * caller must not change it during {@link #assemble}.
         *
         * @param name how messages name this input, e.g. the subtask it came from
         */
        public static Input of(String name, byte[] bytes) {
            Objects.requireNonNull(bytes, "bytes");
            return new Input(
                    Objects.requireNonNull(name, "name") + " (" + bytes.length + " bytes)",
                    new ByteArrayInputFile(bytes));
        }

        /** How messages name this input. */
        public String name() {
            return name;
        }

        InputFile file() {
            return file;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The assembled file. */
    public static final class Result {
        private final Path path;
        private final long rowCount;
        private final int rowGroupCount;
        private final long sizeBytes;
        private final boolean copiedVerbatim;

        private Result(
                Path path,
                long rowCount,
                int rowGroupCount,
                long sizeBytes,
                boolean copiedVerbatim) {
            this.path = path;
            this.rowCount = rowCount;
            this.rowGroupCount = rowGroupCount;
            this.sizeBytes = sizeBytes;
            this.copiedVerbatim = copiedVerbatim;
        }

        /** The file written. */
        public Path path() {
            return path;
        }

        /** Rows in the file: the sum of the inputs' rows. */
        public long rowCount() {
            return rowCount;
        }

        /** Row groups in the file: the sum of the inputs' non-empty row groups. */
        public int rowGroupCount() {
            return rowGroupCount;
        }

        /** Size of the file in bytes. */
        public long sizeBytes() {
            return sizeBytes;
        }

        /**
         * Whether the file is a byte-for-byte copy of one input (at most one input had rows), not a
         * newly assembled file.
         */
        public boolean copiedVerbatim() {
            return copiedVerbatim;
        }

        @Override
        public String toString() {
            return "Assembled "
                    + path
                    + ": "
                    + rowCount
                    + " rows in "
                    + rowGroupCount
                    + " row groups, "
                    + sizeBytes
                    + " bytes"
                    + (copiedVerbatim ? " (copied verbatim)" : "");
        }
    }

    /** An input opened for reading: its footer, and the stream to read its parts from. */
    private static final class Opened {
        private final Input input;
        private final SeekableInputStream stream;
        private final ParquetMetadata footer;

        private Opened(Input input, SeekableInputStream stream, ParquetMetadata footer) {
            this.input = input;
            this.stream = stream;
            this.footer = footer;
        }

        static Opened open(Input input) throws IOException {
            SeekableInputStream stream = input.file().newStream();
            try {
                return new Opened(
                        input,
                        stream,
                        ParquetFileParts.readFooter(stream, input.file().getLength()));
            } catch (IOException | RuntimeException e) {
                try {
                    stream.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new IOException(
                        "Cannot read Parquet file " + input.name() + ": " + e.getMessage(), e);
            }
        }

        MessageType schema() {
            return footer.getFileMetaData().getSchema();
        }

        Map<String, String> keyValueMetadata() {
            return footer.getFileMetaData().getKeyValueMetaData();
        }

        long rowCount() {
            long rows = 0;
            for (BlockMetaData block : footer.getBlocks()) {
                rows += block.getRowCount();
            }
            return rows;
        }

        void closeQuietly() {
            try {
                stream.close();
            } catch (IOException | RuntimeException ignored) {
                // only read from
            }
        }
    }
}
