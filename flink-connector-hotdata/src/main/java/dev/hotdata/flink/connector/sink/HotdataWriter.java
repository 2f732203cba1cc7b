package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.util.FileUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Encodes rows as Parquet on local disk and, in {@link #prepareCommit()} (before the checkpoint
 * barrier is forwarded), uploads and finalizes every file in Hotdata, or, when its files of the
 * checkpoint are small ({@link HotdataSinkConfig#smallFilesMaxBytes()}), hands their bytes to the
 * aggregator, which merges all writers' small files into one upload. What it emits names uploads or
 * carries bytes, never local paths: once the barrier has passed, nothing depends on local disk.
 */
@Internal
public class HotdataWriter<IN>
        implements CommittingSinkWriter<IN, HotdataWriteResult>,
                StatefulSinkWriter<IN, HotdataWriterState> {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataWriter.class);

    private final HotdataSinkConfig config;
    private final HotdataRowConverter<IN> converter;
    private final String sinkId;
    private final HotdataClient client;
    private final Path localDirectory;
    private final HotdataPendingRows rows;
    private final HotdataBackgroundUploads uploader;
    private final Counter numRecordsSend;
    private final Counter numBytesSend;
    private final Counter uploads;
    private final Counter smallFiles;
    private boolean endOfInput;
    private boolean endOfInputReported;

    public HotdataWriter(
            HotdataSinkConfig config,
            HotdataRowConverter<IN> converter,
            WriterInitContext context,
            String sinkId)
            throws IOException {
        this(config, converter, context, sinkId, checkedClient(config, context));
    }

    /**
     * A client whose credentials, workspace and database were checked with one read-only call, so
     * that a wrong setting fails the job when it starts rather than at its first checkpoint.
     */
    private static HotdataClient checkedClient(HotdataSinkConfig config, WriterInitContext context)
            throws IOException {
        boolean restored = context.getRestoredCheckpointId().isPresent();
        HotdataClient client = HotdataConnectionCheck.connect(config, restored);
        try {
            HotdataConnectionCheck.run(client, config, restored);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    HotdataWriter(
            HotdataSinkConfig config,
            HotdataRowConverter<IN> converter,
            WriterInitContext context,
            String sinkId,
            HotdataClient client)
            throws IOException {
        this.config = config;
        this.converter = converter;
        this.sinkId = sinkId;
        this.client = client;
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.localDirectory = Files.createTempDirectory("hotdata-sink-" + subtask + "-");
        this.uploader =
                new HotdataBackgroundUploads(
                        client, "hotdata-upload-" + config.table() + "-" + subtask);
        this.rows = pendingRows(config, localDirectory, uploader);
        SinkWriterMetricGroup metrics = context.metricGroup();
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
        this.uploads = metrics.counter("hotdataUploads");
        this.smallFiles = metrics.counter("hotdataSmallFilesToAggregator");
        metrics.gauge("hotdataPeakBufferedBytes", rows::peakBufferedBytes);
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        RowData row;
        try {
            row = converter.convert(element);
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Converting an element for Hotdata failed", e);
        }
        rows.add(row);
        numRecordsSend.inc();
        // upload rolled files while encoding goes on, instead of all of them at the barrier
        for (HotdataRollingFiles.LocalFile file : rows.takeReady()) {
            uploader.submit(file);
        }
    }

    @Override
    public void flush(boolean endOfInput) {
        // Files are finished and uploaded in prepareCommit, which follows every flush.
        this.endOfInput |= endOfInput;
    }

    @Override
    public Collection<HotdataWriteResult> prepareCommit() throws IOException {
        List<HotdataRollingFiles.LocalFile> files = rows.drain();
        boolean reportEnd = endOfInput && !endOfInputReported;
        endOfInputReported |= endOfInput;
        if (files.isEmpty() && !uploader.hasInFlight() && !reportEnd) {
            return Collections.emptyList(); // an empty checkpoint uploads and loads nothing
        }
        // At the end of input a result is sent even without files: it carries the sink id to
        // the aggregator, which in replace mode must publish what earlier checkpoints staged.
        List<HotdataSmallFile> small = takeSmallFiles(files);
        for (HotdataRollingFiles.LocalFile file : files) {
            uploader.submit(file);
        }
        List<HotdataUploadedFile> uploaded = uploader.awaitAll();
        for (HotdataUploadedFile upload : uploaded) {
            numBytesSend.inc(upload.sizeBytes());
            uploads.inc();
            LOG.debug(
                    "Uploaded {} rows ({} bytes) for {} as {}",
                    upload.rowCount(),
                    upload.sizeBytes(),
                    config.targetDescription(),
                    upload.uploadId());
        }
        return Collections.singletonList(new HotdataWriteResult(sinkId, uploaded, small));
    }

    /**
     * Takes the checkpoint's files out of {@code files} as bytes for the aggregator when all of
     * them are small: none started uploading while written, none is being uploaded already, and
     * together they are within the limit. Otherwise every file is uploaded here, in parallel with
     * the other writers, and nothing is taken.
     */
    private List<HotdataSmallFile> takeSmallFiles(List<HotdataRollingFiles.LocalFile> files)
            throws IOException {
        long limit = config.smallFilesMaxBytes();
        if (limit <= 0 || files.isEmpty() || uploader.hasInFlight()) {
            return Collections.emptyList();
        }
        long total = 0;
        for (HotdataRollingFiles.LocalFile file : files) {
            if (file.growing != null) {
                return Collections.emptyList();
            }
            total += Files.size(file.path);
            if (total > limit) {
                return Collections.emptyList();
            }
        }
        List<HotdataSmallFile> small = new ArrayList<>(files.size());
        for (HotdataRollingFiles.LocalFile file : files) {
            small.add(
                    new HotdataSmallFile(file.kind, file.rowCount, Files.readAllBytes(file.path)));
        }
        for (HotdataRollingFiles.LocalFile file : files) {
            Files.deleteIfExists(file.path);
        }
        files.clear();
        smallFiles.inc(small.size());
        return small;
    }

    /** How rows wait for the next checkpoint in the sink's write mode. */
    private static HotdataPendingRows pendingRows(
            HotdataSinkConfig config, Path directory, HotdataBackgroundUploads uploader) {
        long partSize = config.clientConfig().uploadPartSize();
        HotdataParquetWriterFactory rowFiles =
                new HotdataParquetWriterFactory(config.rowType(), config.parquetOptions());
        HotdataRollingFiles rows =
                new HotdataRollingFiles(
                        rowFiles,
                        directory,
                        "rows",
                        config.rollingMaxBytes(),
                        HotdataUploadedFile.Kind.ROWS,
                        uploader,
                        partSize);
        String target = config.targetDescription();
        switch (config.writeMode()) {
            case UPSERT:
                HotdataRowKeys keys =
                        new HotdataRowKeys(config.rowType(), config.keyColumns(), target);
                HotdataRollingFiles deletes =
                        new HotdataRollingFiles(
                                new HotdataParquetWriterFactory(
                                        keys.keyType(), config.parquetOptions()),
                                directory,
                                "deletes",
                                config.rollingMaxBytes(),
                                HotdataUploadedFile.Kind.DELETES,
                                uploader,
                                partSize);
                return new HotdataUpsertRows(
                        rows,
                        deletes,
                        keys,
                        new RowDataSerializer(config.rowType()),
                        config.bufferFlushMaxBytes());
            case INSERT_ONLY:
                return new HotdataInsertOnlyRows(
                        rows,
                        new HotdataRowKeys(config.rowType(), config.keyColumns(), target),
                        target + " (mode insert-only)");
            default:
                return new HotdataAppendRows(rows, target + " (mode " + config.writeMode() + ")");
        }
    }

    @Override
    public List<HotdataWriterState> snapshotState(long checkpointId) {
        return Collections.singletonList(new HotdataWriterState(sinkId));
    }

    @Override
    public void close() throws Exception {
        try {
            uploader.close(); // before the client: uploads in flight are abandoned, not loaded
            rows.close();
        } finally {
            try {
                client.close();
            } finally {
                FileUtils.deleteDirectoryQuietly(localDirectory.toFile());
            }
        }
    }
}
