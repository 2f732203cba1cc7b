package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CompletedPart;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.UploadSession;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A streaming multipart upload of a file that is still being written, append-only: whole parts are
 * sent while the writer goes on ({@link #putWholeParts(long)}), and when the file is complete only
 * the rest is ({@link #finish(long)}). Parts are cut at exactly the session's part size, the last
 * one being the remainder, so the upload is valid under any reading of the part-size rules.
 *
 * <p>Obtained from {@link HotdataClient#startGrowingFileUpload(Path, String)}. Not thread-safe: one
 * thread at a time drives it. An upload that is never finished is abandoned; the server expires
 * unfinalized sessions.
 */
public final class HotdataGrowingFileUpload {

    private final MultipartUploader uploader;
    private final UploadSession session;
    private final Path file;
    private final long partSize;
    private final List<CompletedPart> parts = new ArrayList<>();
    private long uploadedBytes;
    private boolean finished;

    HotdataGrowingFileUpload(MultipartUploader uploader, UploadSession session, Path file)
            throws HotdataException {
        this.uploader = uploader;
        this.session = session;
        this.file = file;
        this.partSize = uploader.partSize(session); // fails unless a multipart session
    }

    /** The upload's id. */
    public String uploadId() {
        return session.uploadId();
    }

    /** The session's part size, as the server chose it. */
    public long partSize() {
        return partSize;
    }

    /** Bytes of the file sent so far, always a multiple of {@link #partSize()}. */
    public long uploadedBytes() {
        return uploadedBytes;
    }

    /**
     * Sends every whole part that lies within the first {@code available} bytes of the file, one
     * after the other on the calling thread. Those bytes must be in the file already (flushed) and
     * must never change.
     */
    public void putWholeParts(long available) throws HotdataException {
        checkOpen();
        while (available - uploadedBytes >= partSize) {
            int number = parts.size() + 1;
            String etag =
                    uploader.putPart(
                            session, number, new FileRangeBody(file, uploadedBytes, partSize));
            parts.add(new CompletedPart(number, etag));
            uploadedBytes += partSize;
        }
    }

    /**
     * Sends the rest of the now complete file of {@code size} bytes (its parts in parallel) and
     * finalizes the upload. Finalize is never retried (reference §5.4).
     */
    public FinalizedUpload finish(long size) throws HotdataException {
        checkOpen();
        if (size < uploadedBytes) {
            throw new IllegalArgumentException(
                    "the file has " + size + " bytes, but " + uploadedBytes + " were sent already");
        }
        finished = true;
        List<CompletedPart> all = new ArrayList<>(parts);
        if (size > uploadedBytes) {
            all.addAll(uploader.putFileParts(session, file, uploadedBytes, size, parts.size() + 1));
        }
        Collections.sort(all);
        return uploader.finalizeParts(session, all);
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("upload " + session.uploadId() + " was finished");
        }
    }
}
