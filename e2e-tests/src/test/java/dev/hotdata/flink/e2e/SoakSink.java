package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataCommittable;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataUploadedFile;
import dev.hotdata.flink.connector.sink.HotdataWriteResult;
import dev.hotdata.flink.connector.sink.HotdataWriterState;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.fault.RequestLogEntry;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's sink: the {@link HotdataSink} itself, with a writer that can fail the task once
 * <em>after</em> {@code prepareCommit} — the writer has uploaded and finalized the checkpoint's
 * files and hands them over — and so before the committer can load them. Flink calls {@code
 * prepareCommit} before the checkpoint barrier, so the failing checkpoint never completes and its
 * uploads are never loaded by this attempt.
 *
 * <p>When it fires, it records (in this JVM: the MiniCluster runs every attempt here) how many of
 * the uploads it just received were finalized according to hotdata-local's request log and how many
 * of them a load had already consumed according to the server's state, so the test can prove the
 * window: finalized &gt; loaded. A writer with little data hands small files to the aggregator
 * instead of uploading; then the window is proven by the files it had handed over (their rows never
 * leave the failed task).
 */
final class SoakSink<IN>
        implements Sink<IN>,
                SupportsWriterState<IN, HotdataWriterState>,
                SupportsCommitter<HotdataCommittable>,
                SupportsPreCommitTopology<HotdataWriteResult, HotdataCommittable> {

    private static final long serialVersionUID = 1L;

    /** The server of the running soak (same JVM); set by the test. */
    static volatile HotdataLocalServer server;

    /** Index into the request log where the current run began. */
    static volatile int logStart;

    static final AtomicBoolean FAILED_AFTER_PREPARE = new AtomicBoolean();
    static final AtomicInteger FINALIZED_AT_FAILURE = new AtomicInteger(-1);
    static final AtomicInteger LOADED_AT_FAILURE = new AtomicInteger(-1);
    static final AtomicInteger UPLOADS_AT_FAILURE = new AtomicInteger(-1);

    /** Small files the writer handed over for the aggregator to merge when the failure fired. */
    static final AtomicInteger SMALL_FILES_AT_FAILURE = new AtomicInteger(-1);

    private final HotdataSink<IN> delegate;

    /** Negative: no such failure in this run; else the events seen before it may fire. */
    private final long failAfterPrepareAt;

    SoakSink(HotdataSink<IN> delegate, long failAfterPrepareAt) {
        this.delegate = delegate;
        this.failAfterPrepareAt = failAfterPrepareAt;
    }

    static void reset(HotdataLocalServer current, int requestLogStart) {
        server = current;
        logStart = requestLogStart;
        FAILED_AFTER_PREPARE.set(false);
        FINALIZED_AT_FAILURE.set(-1);
        LOADED_AT_FAILURE.set(-1);
        UPLOADS_AT_FAILURE.set(-1);
        SMALL_FILES_AT_FAILURE.set(-1);
    }

    @Override
    public StatefulSinkWriter<IN, HotdataWriterState> createWriter(WriterInitContext context)
            throws IOException {
        return new Writer<>(delegate.createWriter(context), failAfterPrepareAt);
    }

    @Override
    public StatefulSinkWriter<IN, HotdataWriterState> restoreWriter(
            WriterInitContext context, Collection<HotdataWriterState> recoveredState)
            throws IOException {
        return new Writer<>(delegate.restoreWriter(context, recoveredState), failAfterPrepareAt);
    }

    @Override
    public SimpleVersionedSerializer<HotdataWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public Committer<HotdataCommittable> createCommitter(CommitterInitContext context)
            throws IOException {
        return delegate.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<HotdataCommittable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    @Override
    public SimpleVersionedSerializer<HotdataWriteResult> getWriteResultSerializer() {
        return delegate.getWriteResultSerializer();
    }

    @Override
    public DataStream<CommittableMessage<HotdataCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<HotdataWriteResult>> writeResults) {
        return delegate.addPreCommitTopology(writeResults);
    }

    /** The Hotdata writer, failing once right after a {@code prepareCommit} that uploaded. */
    private static final class Writer<IN>
            implements StatefulSinkWriter<IN, HotdataWriterState>,
                    CommittingSinkWriter<IN, HotdataWriteResult> {

        private final StatefulSinkWriter<IN, HotdataWriterState> writer;
        private final long failAfterPrepareAt;

        Writer(StatefulSinkWriter<IN, HotdataWriterState> writer, long failAfterPrepareAt) {
            this.writer = writer;
            this.failAfterPrepareAt = failAfterPrepareAt;
        }

        @Override
        public void write(IN element, Context context) throws IOException, InterruptedException {
            writer.write(element, context);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            writer.writeWatermark(watermark);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            writer.flush(endOfInput);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Collection<HotdataWriteResult> prepareCommit()
                throws IOException, InterruptedException {
            Collection<HotdataWriteResult> results =
                    ((CommittingSinkWriter<IN, HotdataWriteResult>) writer).prepareCommit();
            List<String> uploads = new ArrayList<>();
            int smallFiles = 0;
            for (HotdataWriteResult result : results) {
                for (HotdataUploadedFile file : result.files()) {
                    uploads.add(file.uploadId());
                }
                smallFiles += result.smallFiles().size();
            }
            if (failAfterPrepareAt >= 0
                    && (!uploads.isEmpty() || smallFiles > 0)
                    && SoakFailures.SEEN.get() >= failAfterPrepareAt
                    && SoakFailures.checkpointCompleted()
                    && FAILED_AFTER_PREPARE.compareAndSet(false, true)) {
                UPLOADS_AT_FAILURE.set(uploads.size());
                SMALL_FILES_AT_FAILURE.set(smallFiles);
                FINALIZED_AT_FAILURE.set(finalized(uploads));
                LOADED_AT_FAILURE.set(consumed(uploads));
                throw new IOException(
                        "Soak: injected task failure after prepareCommit (uploads "
                                + uploads
                                + " finalized, "
                                + smallFiles
                                + " small files for the aggregator, not yet committed)");
            }
            return results;
        }

        @Override
        public List<HotdataWriterState> snapshotState(long checkpointId) throws IOException {
            return writer.snapshotState(checkpointId);
        }

        @Override
        public void close() throws Exception {
            writer.close();
        }
    }

    /** How many of the uploads hotdata-local's request log shows finalized (200) in this run. */
    private static int finalized(List<String> uploads) {
        Set<String> wanted = new HashSet<>(uploads);
        Set<String> seen = new HashSet<>();
        List<RequestLogEntry> entries = server.requestLog().entries();
        for (RequestLogEntry e :
                entries.subList(Math.min(logStart, entries.size()), entries.size())) {
            if (e.method().equals("POST")
                    && e.status() == 200
                    && e.path().startsWith("/v1/uploads/")
                    && e.path().endsWith("/finalize")) {
                String id = e.path().substring("/v1/uploads/".length(), e.path().length() - 9);
                if (wanted.contains(id)) {
                    seen.add(id);
                }
            }
        }
        return seen.size();
    }

    /**
     * How many of the uploads the server's state (its {@code state.json}, replaced atomically on
     * every change) records as consumed by a load.
     */
    private static int consumed(List<String> uploads) throws IOException {
        Path state = server.dataDir().resolve("state.json");
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(state));
        int consumed = 0;
        for (String id : uploads) {
            JsonNode upload = root.path("uploads").path(id);
            if ("consumed".equals(upload.path("status").asText())) {
                consumed++;
            }
        }
        return consumed;
    }
}
