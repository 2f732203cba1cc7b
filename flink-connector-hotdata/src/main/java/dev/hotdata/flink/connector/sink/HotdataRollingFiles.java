package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;

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
 *
 * <p>With an uploader, the open file's whole parts leave while it is written: each time another
 * {@code partSize} bytes of row groups are in the file, they are flushed and handed to the upload
 * thread, so at the checkpoint barrier at most about one part and the last row group remain to be
 * sent.
 */
@Internal
final class HotdataRollingFiles implements Closeable {

    /** A finished local file waiting for upload. */
    static final class LocalFile {
        final Path path;
        final long rowCount;
        final HotdataUploadedFile.Kind kind;

        /** The upload that started while the file was written, or null. */
        final HotdataBackgroundUploads.Growing growing;

        LocalFile(Path path, long rowCount, HotdataUploadedFile.Kind kind) {
            this(path, rowCount, kind, null);
        }

        LocalFile(
                Path path,
                long rowCount,
                HotdataUploadedFile.Kind kind,
                HotdataBackgroundUploads.Growing growing) {
            this.path = path;
            this.rowCount = rowCount;
            this.kind = kind;
            this.growing = growing;
        }
    }

    private final HotdataParquetWriterFactory factory;
    private final Path directory;
    private final String prefix;
    private final long rollingMaxBytes;
    private final HotdataUploadedFile.Kind kind;
    private final List<LocalFile> finished = new ArrayList<>();
    private final HotdataBackgroundUploads earlyUploads;
    private final long partSize;
    private HotdataParquetFileWriter current;
    private HotdataBackgroundUploads.Growing growing;
    private long nextHandOver;
    private long fileCounter;
    private long writes;
    private volatile long peakBufferedBytes;

    HotdataRollingFiles(
            HotdataParquetWriterFactory factory,
            Path directory,
            String prefix,
            long rollingMaxBytes,
            HotdataUploadedFile.Kind kind) {
        this(factory, directory, prefix, rollingMaxBytes, kind, null, Long.MAX_VALUE);
    }

    /**
     * @param earlyUploads where the open file's parts go while it is written; null to upload files
     *     only once finished
     * @param partSize how many new bytes in the file make another hand-over (the upload itself cuts
     *     parts at the session's part size)
     */
    HotdataRollingFiles(
            HotdataParquetWriterFactory factory,
            Path directory,
            String prefix,
            long rollingMaxBytes,
            HotdataUploadedFile.Kind kind,
            HotdataBackgroundUploads earlyUploads,
            long partSize) {
        this.factory = factory;
        this.kind = kind;
        this.directory = directory;
        this.prefix = prefix;
        this.rollingMaxBytes = rollingMaxBytes;
        this.earlyUploads = earlyUploads;
        this.partSize = partSize;
    }

    void write(RowData row) throws IOException {
        if (current == null) {
            current =
                    factory.create(directory.resolve(prefix + "-" + (fileCounter++) + ".parquet"));
            nextHandOver = partSize;
        }
        current.write(row);
        if (earlyUploads != null && current.writtenBytes() >= nextHandOver) {
            handOverWrittenBytes();
        }
        if ((++writes & 1023) == 0) {
            // sampled: the row group buffered in heap is the writer's only per-row memory
            peakBufferedBytes = Math.max(peakBufferedBytes, current.bufferedBytes());
        }
        if (current.estimatedSizeBytes() >= rollingMaxBytes) {
            roll();
        }
    }

    /** Flushes the row groups written so far and lets their whole parts upload. */
    private void handOverWrittenBytes() throws IOException {
        current.flushWrittenBytes();
        long written = current.writtenBytes();
        if (growing == null) {
            growing = earlyUploads.startGrowing(current.path());
        }
        earlyUploads.grown(growing, written);
        nextHandOver = written + partSize;
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
        HotdataBackgroundUploads.Growing upload = growing;
        current = null;
        growing = null;
        if (writer.rowCount() == 0) {
            writer.close(); // nothing was handed over: no row group was written
            Files.deleteIfExists(writer.path());
            return;
        }
        writer.finish();
        finished.add(new LocalFile(writer.path(), writer.rowCount(), kind, upload));
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
            growing = null; // abandoned: the server expires unfinalized sessions
        }
        for (LocalFile file : finished) {
            Files.deleteIfExists(file.path);
        }
        finished.clear();
    }
}
