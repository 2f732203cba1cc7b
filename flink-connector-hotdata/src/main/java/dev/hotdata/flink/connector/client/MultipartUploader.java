package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.CompletedPart;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.UploadSession;

import okhttp3.RequestBody;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Uploads the parts of a multipart session in parallel and finalizes it.
 *
 * <p>Memory bound: at most {@code concurrency + 1} parts exist at any time — {@code concurrency}
 * being PUT and one being read — enforced by a semaphore taken before a part is read and given back
 * when its PUT ends. Stream parts live in byte buffers of the part size that are reused through a
 * free list, so a stream upload allocates at most {@code concurrency + 1} buffers however long the
 * stream is. File parts are streamed from file ranges and need no buffer at all.
 *
 * <p>Part URLs come from the session (eager multipart) or are minted per part; a 403 from storage
 * (expired URL) re-mints that part's URL once. The first failure stops reading, cancels the other
 * parts and is thrown; finalize is only called when every part has its ETag.
 */
final class MultipartUploader {

    /** S3's limit on the number of parts. */
    static final int MAX_PARTS = 10_000;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HotdataUploads uploads;
    private final HotdataTransport transport;
    private final int concurrency;
    private final LongAdder buffersAllocated = new LongAdder();

    MultipartUploader(HotdataUploads uploads, HotdataTransport transport, int concurrency) {
        this.uploads = uploads;
        this.transport = transport;
        this.concurrency = concurrency;
    }

    /** Total part buffers this uploader ever allocated (for tests of the memory bound). */
    long buffersAllocated() {
        return buffersAllocated.sum();
    }

    /** One part ready to PUT. */
    private static final class Part {
        final RequestBody body;
        final Runnable release;

        Part(RequestBody body, Runnable release) {
            this.body = body;
            this.release = release;
        }
    }

    /** Produces part {@code k} (1-based), or {@code null} when the data is exhausted. */
    private interface PartSource {
        Part next(int k) throws IOException;
    }

    FinalizedUpload uploadFileParts(UploadSession s, Path file, long size) throws HotdataException {
        return finalizeParts(s, putFileParts(s, file, 0, size, 1));
    }

    /**
     * PUTs {@code file[from, size)} as parts {@code firstPart, firstPart + 1, ...} of the session's
     * part size (the last one the remainder), in parallel; does not finalize.
     */
    List<CompletedPart> putFileParts(
            UploadSession s, Path file, long from, long size, int firstPart)
            throws HotdataException {
        long partSize = partSize(s);
        PartSource source =
                k -> {
                    long offset = from + (k - firstPart) * partSize;
                    if (offset >= size) {
                        return null;
                    }
                    long len = Math.min(partSize, size - offset);
                    return new Part(new FileRangeBody(file, offset, len), () -> {});
                };
        return run(s, source, firstPart);
    }

    /**
     * PUTs one part on the calling thread and returns its ETag: the URL from the session or minted,
     * re-minted once after a 403 (expired URL).
     */
    String putPart(UploadSession s, int k, RequestBody body) throws HotdataException {
        if (k > MAX_PARTS) {
            throw transport.protocolError(
                    "upload " + s.uploadId(),
                    0,
                    "data needs more than " + MAX_PARTS + " parts of " + s.partSize() + " bytes");
        }
        List<String> eager = s.partUrls();
        boolean minted = eager.size() < k;
        String url = minted ? mint(s, k) : eager.get(k - 1);
        try {
            return transport.putToStorage(url, s.headers(), body);
        } catch (HotdataException e) {
            if (e.statusCode() != 403) {
                throw e;
            }
            // presigned URLs are short-lived: re-mint once
            return transport.putToStorage(mint(s, k), s.headers(), body);
        }
    }

    FinalizedUpload uploadStreamParts(UploadSession s, InputStream in) throws HotdataException {
        long partSize = partSize(s);
        if (partSize > Integer.MAX_VALUE - 16) {
            throw transport.protocolError(
                    "POST /v1/uploads", 201, "part size " + partSize + " too large to buffer");
        }
        int bufSize = (int) partSize;
        ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
        PartSource source =
                k -> {
                    byte[] buf = free.poll();
                    if (buf == null) {
                        buf = new byte[bufSize];
                        buffersAllocated.increment();
                    }
                    int n = fill(in, buf);
                    if (n == 0) {
                        free.add(buf);
                        return null;
                    }
                    byte[] held = buf;
                    return new Part(RequestBody.create(held, null, 0, n), () -> free.add(held));
                };
        List<CompletedPart> parts = run(s, source, 1);
        return finalizeParts(s, parts);
    }

    FinalizedUpload finalizeParts(UploadSession s, List<CompletedPart> parts)
            throws HotdataException {
        if (parts.isEmpty()) {
            throw new HotdataException(
                    "POST /v1/uploads/" + s.uploadId() + "/finalize",
                    0,
                    HotdataErrorCodes.EMPTY_UPLOAD,
                    "nothing to upload: the data is empty",
                    false,
                    null,
                    null);
        }
        return uploads.finalizeUpload(s.uploadId(), s.finalizeToken(), parts);
    }

    long partSize(UploadSession s) throws HotdataException {
        if (!s.isMultipart()) {
            throw transport.protocolError(
                    "POST /v1/uploads", 201, "expected a multipart session, got mode " + s.mode());
        }
        Long partSize = s.partSize();
        if (partSize == null || partSize <= 0) {
            throw transport.protocolError(
                    "POST /v1/uploads", 201, "multipart session without a part size");
        }
        return partSize;
    }

    private static int fill(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private List<CompletedPart> run(UploadSession s, PartSource source, int firstPart)
            throws HotdataException {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, threadFactory());
        Semaphore slots = new Semaphore(concurrency + 1);
        Map<Integer, String> etags = new ConcurrentSkipListMap<>();
        AtomicReference<HotdataException> failure = new AtomicReference<>();
        List<Future<?>> futures = new ArrayList<>();
        String desc = "upload " + s.uploadId();
        try {
            for (int k = firstPart; failure.get() == null; k++) {
                slots.acquire();
                Part part;
                try {
                    part = source.next(k);
                } catch (IOException e) {
                    slots.release();
                    failure.compareAndSet(null, transport.localError(desc, e));
                    break;
                }
                if (part == null) {
                    slots.release();
                    break;
                }
                if (k > MAX_PARTS) {
                    part.release.run();
                    slots.release();
                    failure.compareAndSet(
                            null,
                            transport.protocolError(
                                    desc,
                                    0,
                                    "data needs more than "
                                            + MAX_PARTS
                                            + " parts of "
                                            + s.partSize()
                                            + " bytes"));
                    break;
                }
                int number = k;
                futures.add(pool.submit(() -> uploadPart(s, number, part, etags, failure, slots)));
            }
            for (Future<?> f : futures) {
                if (failure.get() != null) {
                    break;
                }
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(
                    null,
                    new HotdataException(
                            desc,
                            0,
                            HotdataErrorCodes.INTERRUPTED,
                            "interrupted during upload",
                            false,
                            null,
                            e));
        } catch (ExecutionException e) {
            // uploadPart catches everything; this is a bug guard
            failure.compareAndSet(
                    null, transport.protocolError(desc, 0, "part upload crashed: " + e.getCause()));
        } finally {
            if (failure.get() != null) {
                pool.shutdownNow();
            } else {
                pool.shutdown();
            }
            try {
                // parts still PUT after a failure are abandoned; wait briefly so threads end
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        HotdataException f = failure.get();
        if (f != null) {
            throw f;
        }
        List<CompletedPart> parts = new ArrayList<>(etags.size());
        for (Map.Entry<Integer, String> e : etags.entrySet()) {
            parts.add(new CompletedPart(e.getKey(), e.getValue()));
        }
        Collections.sort(parts);
        return parts;
    }

    private void uploadPart(
            UploadSession s,
            int k,
            Part part,
            Map<Integer, String> etags,
            AtomicReference<HotdataException> failure,
            Semaphore slots) {
        try {
            if (failure.get() != null) {
                return;
            }
            etags.put(k, putPart(s, k, part.body));
        } catch (HotdataException e) {
            failure.compareAndSet(null, e);
        } catch (RuntimeException e) {
            failure.compareAndSet(
                    null,
                    transport.protocolError(
                            "upload " + s.uploadId(), 0, "part " + k + " failed: " + e));
        } finally {
            part.release.run();
            slots.release();
        }
    }

    private String mint(UploadSession s, int k) throws HotdataException {
        return uploads.mintParts(s.uploadId(), s.finalizeToken(), Collections.singletonList(k))
                .get(0)
                .url();
    }

    private static ThreadFactory threadFactory() {
        return r -> {
            Thread t = new Thread(r, "hotdata-upload-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
