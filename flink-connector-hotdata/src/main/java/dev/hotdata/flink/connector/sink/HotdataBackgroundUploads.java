package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataErrorCodes;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.HotdataGrowingFileUpload;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Uploads a writer's files on one background thread, in the order they are handed over, so that
 * data travels while the writer keeps encoding and {@code prepareCommit} waits only for the tail.
 *
 * <p>Two things travel early: files rolled during a checkpoint interval, and the whole parts of the
 * file still being written ({@link #startGrowing}, {@link #grown}), which go as a streaming
 * multipart upload whose rest is sent and finalized when the file is handed over finished. A file
 * is deleted once uploaded and finalized. Everything runs on the one thread, in order, so a growing
 * upload's state needs no locking.
 */
@Internal
final class HotdataBackgroundUploads implements AutoCloseable {

    private final HotdataClient client;
    private final ExecutorService executor;
    private final List<Future<HotdataUploadedFile>> inFlight = new ArrayList<>();

    HotdataBackgroundUploads(HotdataClient client, String threadName) {
        this.client = client;
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, threadName);
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * The upload of a file still being written. Its fields are touched only by the upload thread.
     */
    static final class Growing {
        private final Path path;
        private HotdataGrowingFileUpload upload;
        private HotdataException failure;

        private Growing(Path path) {
            this.path = path;
        }
    }

    /** Opens a streaming upload of a file that is being written (the session is opened later). */
    Growing startGrowing(Path path) {
        Growing growing = new Growing(path);
        executor.execute(
                () -> {
                    try {
                        growing.upload =
                                client.startGrowingFileUpload(
                                        path, HotdataParquetFileWriter.CONTENT_TYPE);
                    } catch (HotdataException | RuntimeException e) {
                        growing.failure = failure(e);
                    }
                });
        return growing;
    }

    /**
     * Sends the whole parts within the first {@code bytesInFile} bytes of a growing file, which
     * must be flushed into the file and never change. A failure is reported when the file is handed
     * over.
     */
    void grown(Growing growing, long bytesInFile) {
        executor.execute(
                () -> {
                    if (growing.failure != null) {
                        return;
                    }
                    try {
                        growing.upload.putWholeParts(bytesInFile);
                    } catch (HotdataException | RuntimeException e) {
                        growing.failure = failure(e);
                    }
                });
    }

    private static HotdataException failure(Exception e) {
        if (e instanceof HotdataException) {
            return (HotdataException) e;
        }
        return new HotdataException(
                "upload",
                0,
                HotdataErrorCodes.PROTOCOL_ERROR,
                "part upload failed: " + e,
                false,
                null,
                e);
    }

    /** Starts uploading a finished file (after the ones handed over before it). */
    void submit(HotdataRollingFiles.LocalFile file) {
        inFlight.add(
                executor.submit(
                        () -> {
                            FinalizedUpload upload;
                            Growing growing = file.growing;
                            if (growing == null) {
                                upload =
                                        client.uploadFile(
                                                file.path, HotdataParquetFileWriter.CONTENT_TYPE);
                            } else if (growing.failure != null) {
                                throw growing.failure;
                            } else {
                                upload = growing.upload.finish(Files.size(file.path));
                            }
                            Files.deleteIfExists(file.path);
                            return new HotdataUploadedFile(
                                    upload.uploadId(),
                                    file.kind,
                                    file.rowCount,
                                    upload.sizeBytes());
                        }));
    }

    /** Whether uploads were handed over since the last {@link #awaitAll()}. */
    boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    /** Waits for every upload handed over so far; returns them in order. */
    List<HotdataUploadedFile> awaitAll() throws IOException {
        List<HotdataUploadedFile> done = new ArrayList<>(inFlight.size());
        try {
            for (Future<HotdataUploadedFile> upload : inFlight) {
                done.add(upload.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for uploads");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException("Uploading a file to Hotdata failed: " + cause, cause);
        } finally {
            inFlight.clear();
        }
        return done;
    }

    /** Waits until everything handed over so far has run, without collecting results. */
    @VisibleForTesting
    void awaitIdle() throws Exception {
        executor.submit(() -> null).get();
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
