package dev.hotdata.flink.connector.sink.writer;

import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.sink.committer.HotdataUploadedFile;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parquet files of one kind on local disk, rolled past a size, so a large checkpoint costs disk,
 * not heap: the writer holds at most one row group in memory.
 */
@Internal
final class HotdataRollingFiles implements Closeable {

    /** A finished local file waiting for upload. */
    static final class LocalFile {
        final Path path;
        final long rowCount;
        final HotdataUploadedFile.Kind kind;

        LocalFile(Path path, long rowCount, HotdataUploadedFile.Kind kind) {
            this.path = path;
            this.rowCount = rowCount;
            this.kind = kind;
        }
    }

    private final HotdataParquetWriterFactory factory;
    private final Path directory;
    private final String prefix;
    private final long rollingMaxBytes;
    private final HotdataUploadedFile.Kind kind;
    private final List<LocalFile> finished = new ArrayList<>();
    private HotdataParquetFileWriter current;
    private long fileCounter;
    private long writes;
    private volatile long peakBufferedBytes;

    HotdataRollingFiles(
            HotdataParquetWriterFactory factory,
            Path directory,
            String prefix,
            long rollingMaxBytes,
            HotdataUploadedFile.Kind kind) {
        this.factory = factory;
        this.kind = kind;
        this.directory = directory;
        this.prefix = prefix;
        this.rollingMaxBytes = rollingMaxBytes;
    }

    void write(RowData row) throws IOException {
        if (current == null) {
            current =
                    factory.create(directory.resolve(prefix + "-" + (fileCounter++) + ".parquet"));
        }
        current.write(row);
        if ((++writes & 1023) == 0) {
            // sampled: the row group buffered in heap is the writer's only per-row memory
            peakBufferedBytes = Math.max(peakBufferedBytes, current.bufferedBytes());
        }
        if (current.estimatedSizeBytes() >= rollingMaxBytes) {
            roll();
        }
    }

    /** The most heap a row group held, sampled every 1024 rows. */
    long peakBufferedBytes() {
        return peakBufferedBytes;
    }

    /** Finishes the open file, if any. */
    void roll() throws IOException {
        if (current == null) {
            return;
        }
        HotdataParquetFileWriter writer = current;
        current = null;
        if (writer.rowCount() == 0) {
            writer.close();
            Files.deleteIfExists(writer.path());
            return;
        }
        writer.finish();
        finished.add(new LocalFile(writer.path(), writer.rowCount(), kind));
    }

    /** Whether a rolled file waits to be handed over. */
    boolean hasFinished() {
        return !finished.isEmpty();
    }

    /** Hands over the files rolled so far, leaving the open one open. */
    List<LocalFile> takeFinished() {
        List<LocalFile> files = new ArrayList<>(finished);
        finished.clear();
        return files;
    }

    /** Finishes the open file and hands over every finished file. */
    List<LocalFile> drain() throws IOException {
        roll();
        List<LocalFile> files = new ArrayList<>(finished);
        finished.clear();
        return files;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            Files.deleteIfExists(current.path());
            current = null;
        }
        for (LocalFile file : finished) {
            Files.deleteIfExists(file.path);
        }
        finished.clear();
    }
}
