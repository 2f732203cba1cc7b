package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.format.HotdataParquetAssembler;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.FileUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs at parallelism 1 between the writers and the committers and merges every writer subtask's
 * uploads of a checkpoint into one {@link HotdataCommittable}, so that exactly one committer
 * subtask issues the loads, in checkpoint order.
 *
 * <p>It also owns the sink's identity: the sink id (the lineage, from the configuration when the
 * job starts without state) and the run id (drawn when the job starts without state). Both are kept
 * in this operator's state, so every committable of a run carries the same pair whatever the
 * writers' parallelism or state, and a fresh start with an explicit sink id is a new run whose
 * checkpoint ids can never be mistaken for an earlier run's.
 *
 * <p>Writers with little data send their finished files' bytes ({@link HotdataSmallFile}) instead
 * of uploading them. The aggregator keeps them on local disk as they arrive and, before its own
 * barrier, assembles them into one Parquet file per kind ({@link HotdataParquetAssembler}: row
 * groups copied, not re-encoded) and uploads it, so a checkpoint costs one load per kind however
 * many writers sent files. Writers' own uploads pass through unchanged. An upload that fails fails
 * this operator, and the job restores from the last completed checkpoint: nothing was committed for
 * the files, and the sources replay their rows.
 *
 * <p>The writers emit their results before forwarding the barrier, and unaligned checkpoints are
 * disabled on sink edges, so when {@link #prepareSnapshotPreBarrier} runs every result of that
 * checkpoint has arrived. Nothing else is buffered across a barrier.
 */
@Internal
public class HotdataCommitAggregator
        extends AbstractStreamOperator<CommittableMessage<HotdataCommittable>>
        implements OneInputStreamOperator<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private static final ListStateDescriptor<String> IDENTITY =
            new ListStateDescriptor<>("hotdata-sink-identity", StringSerializer.INSTANCE);

    private final String configuredSinkId;
    private final boolean publishAtEnd;

    /** Where merged small files are uploaded; null when writers never send small files. */
    private final HotdataClientConfig uploadConfig;

    private transient ListState<String> identityState;
    private transient List<HotdataUploadedFile> pending;
    private transient String sinkId;
    private transient String runId;
    private transient long lastCheckpointId;
    private transient long maxSeenCheckpointId;
    private transient Map<HotdataUploadedFile.Kind, List<SmallFileOnDisk>> smallFiles;
    private transient Path localDirectory;
    private transient long smallFileCounter;
    private transient HotdataClient client;
    private transient Counter assembledUploads;
    private transient Counter assembledInputs;

    /** A writer's small file, written to this operator's local directory on arrival. */
    private static final class SmallFileOnDisk {
        final Path path;
        final long rowCount;

        SmallFileOnDisk(Path path, long rowCount) {
            this.path = path;
            this.rowCount = rowCount;
        }
    }

    /**
     * @param configuredSinkId the sink id of a run started without state
     * @param publishAtEnd whether the end of input must reach the committer even without new
     *     uploads, because it publishes what earlier checkpoints staged ({@code replace} mode)
     */
    public HotdataCommitAggregator(String configuredSinkId, boolean publishAtEnd) {
        this(configuredSinkId, publishAtEnd, null);
    }

    /**
     * @param uploadConfig the connection to upload merged small files with; null when the writers
     *     never send any ({@link HotdataSinkConfig#smallFilesMaxBytes()} 0)
     */
    public HotdataCommitAggregator(
            String configuredSinkId, boolean publishAtEnd, HotdataClientConfig uploadConfig) {
        this.configuredSinkId = configuredSinkId;
        this.publishAtEnd = publishAtEnd;
        this.uploadConfig = uploadConfig;
    }

    @Override
    public void open() throws Exception {
        super.open();
        smallFiles = new EnumMap<>(HotdataUploadedFile.Kind.class);
        assembledUploads = getMetricGroup().counter("hotdataAssembledUploads");
        assembledInputs = getMetricGroup().counter("hotdataAssembledSmallFiles");
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pending = new ArrayList<>();
        lastCheckpointId = context.getRestoredCheckpointId().orElse(0L);
        maxSeenCheckpointId = lastCheckpointId;
        identityState = context.getOperatorStateStore().getListState(IDENTITY);
        List<String> identity = new ArrayList<>();
        for (String value : identityState.get()) {
            identity.add(value);
        }
        if (identity.size() == 2) {
            sinkId = identity.get(0);
            runId = identity.get(1);
        } else if (!context.isRestored()) {
            sinkId = configuredSinkId;
            runId = UUID.randomUUID().toString();
        } else {
            // State written before the aggregator kept the identity: the writers restored the sink
            // id, and the empty run keeps the stage table that run was using.
            runId = "";
        }
        LOG.info("Hotdata sink {} runs as run '{}'", sinkId, runId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        identityState.clear();
        if (sinkId != null) {
            identityState.add(sinkId);
            identityState.add(runId);
        }
    }

    @Override
    public void processElement(StreamRecord<CommittableMessage<HotdataWriteResult>> element)
            throws IOException {
        CommittableMessage<HotdataWriteResult> message = element.getValue();
        if (message instanceof CommittableWithLineage) {
            CommittableWithLineage<HotdataWriteResult> lineage =
                    (CommittableWithLineage<HotdataWriteResult>) message;
            HotdataWriteResult result = lineage.getCommittable();
            if (sinkId == null) {
                sinkId = result.sinkId();
            } else if (runId.isEmpty() && !sinkId.equals(result.sinkId())) {
                throw new IllegalStateException(
                        "Hotdata sink writers restored different sink ids ("
                                + sinkId
                                + ", "
                                + result.sinkId()
                                + ") from state written by an older connector version; restore"
                                + " at the parallelism the state was taken with once, then"
                                + " rescale.");
            }
            pending.addAll(result.files());
            for (HotdataSmallFile small : result.smallFiles()) {
                keepOnDisk(small);
            }
            maxSeenCheckpointId = Math.max(maxSeenCheckpointId, lineage.getCheckpointId());
        }
        // Summaries of the writers are replaced by our own single summary.
    }

    /** Writes a small file to local disk at once, so heap holds no more than one at a time. */
    private void keepOnDisk(HotdataSmallFile small) throws IOException {
        if (uploadConfig == null) {
            throw new IllegalStateException(
                    "A Hotdata sink writer sent a small file, but this aggregator has no"
                            + " connection to upload it with");
        }
        if (localDirectory == null) {
            localDirectory = Files.createTempDirectory("hotdata-aggregator-");
        }
        Path path =
                localDirectory.resolve(
                        small.kind().name().toLowerCase(java.util.Locale.ROOT)
                                + "-"
                                + (smallFileCounter++)
                                + ".parquet");
        Files.write(path, small.bytes());
        smallFiles
                .computeIfAbsent(small.kind(), k -> new ArrayList<>())
                .add(new SmallFileOnDisk(path, small.rowCount()));
    }

    /**
     * Assembles the small files of each kind into one file, uploads them (their sessions opened in
     * one round trip) and adds the uploads to the pending ones, in kind order (rows, then deletes:
     * within one writer's segment they commute).
     */
    private void uploadSmallFiles() throws IOException {
        if (smallFiles.isEmpty()) {
            return;
        }
        List<Path> targets = new ArrayList<>();
        List<HotdataUploadedFile.Kind> kinds = new ArrayList<>();
        List<Long> rowCounts = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        int inputCount = 0;
        try {
            for (HotdataUploadedFile.Kind kind : HotdataUploadedFile.Kind.values()) {
                List<SmallFileOnDisk> files = smallFiles.get(kind);
                if (files == null || files.isEmpty()) {
                    continue;
                }
                List<HotdataParquetAssembler.Input> inputs = new ArrayList<>(files.size());
                long rows = 0;
                for (SmallFileOnDisk file : files) {
                    inputs.add(HotdataParquetAssembler.Input.of(file.path));
                    rows += file.rowCount;
                }
                Path target =
                        localDirectory.resolve("assembled-" + (smallFileCounter++) + ".parquet");
                targets.add(target);
                HotdataParquetAssembler.Result assembled =
                        HotdataParquetAssembler.assemble(inputs, target);
                if (assembled.rowCount() != rows) {
                    throw new IOException(
                            "Assembled "
                                    + assembled.rowCount()
                                    + " rows from small files holding "
                                    + rows);
                }
                kinds.add(kind);
                rowCounts.add(rows);
                sizes.add(assembled.sizeBytes());
                inputCount += files.size();
            }
            List<FinalizedUpload> uploads =
                    client().uploadFiles(targets, HotdataParquetFileWriter.CONTENT_TYPE);
            for (int i = 0; i < uploads.size(); i++) {
                pending.add(
                        new HotdataUploadedFile(
                                uploads.get(i).uploadId(),
                                kinds.get(i),
                                rowCounts.get(i),
                                sizes.get(i)));
            }
            assembledUploads.inc(uploads.size());
            assembledInputs.inc(inputCount);
        } finally {
            for (Path target : targets) {
                Files.deleteIfExists(target);
            }
            for (List<SmallFileOnDisk> files : smallFiles.values()) {
                for (SmallFileOnDisk file : files) {
                    Files.deleteIfExists(file.path);
                }
            }
            smallFiles.clear();
        }
    }

    private HotdataClient client() {
        if (client == null) {
            client = new HotdataClient(uploadConfig);
        }
        return client;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        emit(checkpointId, false);
        lastCheckpointId = checkpointId;
    }

    @Override
    public void endInput() throws IOException {
        // The writers label their end-of-input results with the next checkpoint id.
        emit(Math.max(lastCheckpointId + 1, maxSeenCheckpointId), true);
    }

    private void emit(long checkpointId, boolean endOfInput) throws IOException {
        uploadSmallFiles();
        boolean publish = endOfInput && publishAtEnd && sinkId != null;
        if (pending.isEmpty() && !publish) {
            return; // an empty checkpoint publishes nothing
        }
        HotdataCommittable committable =
                new HotdataCommittable(sinkId, runId, checkpointId, pending, endOfInput);
        pending = new ArrayList<>();
        output.collect(new StreamRecord<>(new CommittableSummary<>(0, 1, checkpointId, 1, 0)));
        output.collect(
                new StreamRecord<>(new CommittableWithLineage<>(committable, checkpointId, 0)));
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                if (localDirectory != null) {
                    FileUtils.deleteDirectoryQuietly(localDirectory.toFile());
                }
            }
        }
    }
}
