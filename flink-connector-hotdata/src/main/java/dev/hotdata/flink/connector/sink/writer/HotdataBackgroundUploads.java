package dev.hotdata.flink.connector.sink.writer;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.sink.committer.HotdataUploadedFile;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Uploads a writer's finished files on one background thread, in the order they are handed over, so
 * that files rolled during a checkpoint interval travel while the writer keeps encoding, and {@code
 * prepareCommit} waits only for the tail. A file is deleted once uploaded and finalized.
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

    /** Starts uploading a finished file (after the ones handed over before it). */
    void submit(HotdataRollingFiles.LocalFile file) {
        inFlight.add(
                executor.submit(
                        () -> {
                            FinalizedUpload upload =
                                    client.uploadFile(
                                            file.path, HotdataWriter.PARQUET_CONTENT_TYPE);
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

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
