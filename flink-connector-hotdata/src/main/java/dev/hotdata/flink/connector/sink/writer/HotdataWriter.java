package dev.hotdata.flink.connector.sink.writer;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.sink.HotdataRowConverter;
import dev.hotdata.flink.connector.sink.HotdataSinkConfig;
import dev.hotdata.flink.connector.sink.committer.HotdataUploadedFile;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
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
 * barrier is forwarded), uploads and finalizes every file in Hotdata. What it emits names uploads,
 * never local paths: once the barrier has passed, the data is durable in Hotdata.
 */
@Internal
public class HotdataWriter<IN>
        implements CommittingSinkWriter<IN, HotdataWriteResult>,
                StatefulSinkWriter<IN, HotdataWriterState> {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataWriter.class);

    /** The content type Hotdata detects Parquet uploads by. */
    static final String PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

    private final HotdataSinkConfig config;
    private final HotdataRowConverter<IN> converter;
    private final String sinkId;
    private final HotdataClient client;
    private final Path localDirectory;
    private final HotdataRollingFiles rows;
    private final Counter numRecordsSend;
    private final Counter numBytesSend;
    private final Counter uploads;

    public HotdataWriter(
            HotdataSinkConfig config,
            HotdataRowConverter<IN> converter,
            WriterInitContext context,
            String sinkId)
            throws IOException {
        this(config, converter, context, sinkId, new HotdataClient(config.clientConfig()));
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
        this.rows =
                new HotdataRollingFiles(
                        new HotdataParquetWriterFactory(config.rowType(), config.parquetOptions()),
                        localDirectory,
                        "rows",
                        config.rollingMaxBytes());
        SinkWriterMetricGroup metrics = context.metricGroup();
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
        this.uploads = metrics.counter("hotdataUploads");
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
        if (row.getRowKind() != RowKind.INSERT) {
            throw new IOException(
                    "The Hotdata sink into "
                            + config.targetDescription()
                            + " is in '"
                            + config.writeMode()
                            + "' mode, which accepts only inserts, but received a row of kind "
                            + row.getRowKind()
                            + ". Declare a primary key and use write mode 'upsert' for a"
                            + " changelog.");
        }
        rows.write(row);
        numRecordsSend.inc();
    }

    @Override
    public void flush(boolean endOfInput) {
        // Files are finished and uploaded in prepareCommit, which follows every flush.
    }

    @Override
    public Collection<HotdataWriteResult> prepareCommit() throws IOException {
        List<HotdataRollingFiles.LocalFile> files = rows.drain();
        if (files.isEmpty()) {
            return Collections.emptyList(); // an empty checkpoint uploads and loads nothing
        }
        List<HotdataUploadedFile> uploaded = new ArrayList<>(files.size());
        for (HotdataRollingFiles.LocalFile file : files) {
            FinalizedUpload upload = client.uploadFile(file.path, PARQUET_CONTENT_TYPE);
            uploaded.add(
                    new HotdataUploadedFile(
                            upload.uploadId(),
                            HotdataUploadedFile.Kind.ROWS,
                            file.rowCount,
                            upload.sizeBytes()));
            numBytesSend.inc(upload.sizeBytes());
            uploads.inc();
            Files.deleteIfExists(file.path);
            LOG.debug(
                    "Uploaded {} rows ({} bytes) for {} as {}",
                    file.rowCount,
                    upload.sizeBytes(),
                    config.targetDescription(),
                    upload.uploadId());
        }
        return Collections.singletonList(new HotdataWriteResult(sinkId, uploaded));
    }

    @Override
    public List<HotdataWriterState> snapshotState(long checkpointId) {
        return Collections.singletonList(new HotdataWriterState(sinkId));
    }

    @Override
    public void close() throws Exception {
        try {
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
