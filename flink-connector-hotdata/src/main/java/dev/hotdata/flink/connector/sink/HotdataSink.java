package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.legacy.InputFormatSourceFunction;
import org.apache.flink.streaming.api.transformations.LegacySourceTransformation;
import org.apache.flink.streaming.api.transformations.WithBoundedness;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a stream into a Hotdata table exactly once.
 *
 * <p>Each writer subtask encodes its rows as Parquet on local disk and, before a checkpoint barrier
 * passes, uploads and finalizes the files in Hotdata. An aggregator at parallelism 1 gathers a
 * checkpoint's uploads into one committable, and a single committer subtask publishes them with
 * load calls once the checkpoint completes. A restored committable is published again; Hotdata
 * claims an upload once, so a second load of it is recognised as already committed.
 *
 * <p>Create it with {@link #builder()}.
 *
 * @param <IN> the stream's element type
 */
@PublicEvolving
public class HotdataSink<IN>
        implements Sink<IN>,
                SupportsWriterState<IN, HotdataWriterState>,
                SupportsCommitter<HotdataCommittable>,
                SupportsPreCommitTopology<HotdataWriteResult, HotdataCommittable> {

    private static final long serialVersionUID = 1L;

    private final HotdataSinkConfig config;
    private final HotdataRowConverter<IN> converter;

    HotdataSink(HotdataSinkConfig config, HotdataRowConverter<IN> converter) {
        this.config = config;
        this.converter = converter;
    }

    /** Starts building a sink. */
    public static <IN> HotdataSinkBuilder<IN> builder() {
        return new HotdataSinkBuilder<>();
    }

    @Internal
    @Override
    public StatefulSinkWriter<IN, HotdataWriterState> createWriter(WriterInitContext context)
            throws IOException {
        return new HotdataWriter<>(config, converter, context, config.sinkId());
    }

    @Internal
    @Override
    public StatefulSinkWriter<IN, HotdataWriterState> restoreWriter(
            WriterInitContext context, Collection<HotdataWriterState> recoveredState)
            throws IOException {
        String sinkId = config.sinkId();
        for (HotdataWriterState state : recoveredState) {
            sinkId = state.sinkId();
            break;
        }
        return new HotdataWriter<>(config, converter, context, sinkId);
    }

    @Internal
    @Override
    public SimpleVersionedSerializer<HotdataWriterState> getWriterStateSerializer() {
        return new HotdataWriterStateSerializer();
    }

    @Internal
    @Override
    public Committer<HotdataCommittable> createCommitter(CommitterInitContext context) {
        return new HotdataCommitter(config, context);
    }

    @Internal
    @Override
    public SimpleVersionedSerializer<HotdataCommittable> getCommittableSerializer() {
        return new HotdataCommittableSerializer();
    }

    @Internal
    @Override
    public SimpleVersionedSerializer<HotdataWriteResult> getWriteResultSerializer() {
        return new HotdataWriteResultSerializer();
    }

    @Internal
    @Override
    public DataStream<CommittableMessage<HotdataCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<HotdataWriteResult>> writeResults) {
        checkCommitsCanHappen(writeResults);
        return writeResults
                .global()
                .transform(
                        "Hotdata Commit Aggregator: " + config.targetDescription(),
                        CommittableMessageTypeInfo.of(HotdataCommittableSerializer::new),
                        new HotdataCommitAggregator(
                                config.sinkId(),
                                // the staging modes publish or clean up at the end of input
                                config.writeMode() == HotdataWriteMode.REPLACE
                                        || config.writeMode() == HotdataWriteMode.INSERT_ONLY,
                                config.smallFilesMaxBytes() > 0 ? config.clientConfig() : null))
                .setParallelism(1)
                .setMaxParallelism(1)
                // all committables to committer subtask 0: one stream of loads per sink
                .global();
    }

    /**
     * An unbounded streaming job without checkpointing never commits: nothing would ever become
     * visible. Refuse it when the job is built rather than let it run silently.
     */
    private void checkCommitsCanHappen(DataStream<?> stream) {
        StreamExecutionEnvironment env = stream.getExecutionEnvironment();
        boolean checkpointing = env.getCheckpointConfig().isCheckpointingEnabled();
        boolean batch =
                env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE)
                        == RuntimeExecutionMode.BATCH;
        if (config.writeMode() == HotdataWriteMode.REPLACE
                && !batch
                && hasUnboundedSource(stream.getTransformation())) {
            throw new IllegalStateException(
                    "The Hotdata sink into "
                            + config.targetDescription()
                            + " is in 'replace' mode (also used by INSERT OVERWRITE), which"
                            + " publishes the job's whole output once, when its input ends, so it"
                            + " needs a bounded input (batch mode or bounded sources); this job"
                            + " reads an unbounded source.");
        }
        if (config.checkpointingRequired()
                && !checkpointing
                && !batch
                && hasUnboundedSource(stream.getTransformation())) {
            throw new IllegalStateException(
                    "The Hotdata sink into "
                            + config.targetDescription()
                            + " publishes data when a checkpoint completes, but this unbounded"
                            + " streaming job has checkpointing disabled, so nothing would ever be"
                            + " committed before a stop-with-savepoint. Enable checkpointing"
                            + " (execution.checkpointing.interval), run a bounded job, or, to"
                            + " commit on savepoints alone, turn off 'checkpointing required'.");
        }
    }

    @VisibleForTesting
    static boolean hasUnboundedSource(Transformation<?> sink) {
        Deque<Transformation<?>> toVisit = new ArrayDeque<>();
        Set<Integer> seen = new HashSet<>();
        toVisit.add(sink);
        while (!toVisit.isEmpty()) {
            Transformation<?> t = toVisit.poll();
            if (!seen.add(t.getId())) {
                continue;
            }
            if (t instanceof WithBoundedness
                    && ((WithBoundedness) t).getBoundedness()
                            == org.apache.flink.api.connector.source.Boundedness
                                    .CONTINUOUS_UNBOUNDED
                    && !readsAnInputFormat(t)) {
                return true;
            }
            toVisit.addAll(t.getInputs());
        }
        return false;
    }

    /**
     * Legacy sources over an {@code InputFormat} (SQL's VALUES, for one) end when the format is
     * read, although their transformation reports itself unbounded.
     */
    @SuppressWarnings("deprecation")
    private static boolean readsAnInputFormat(Transformation<?> t) {
        return t instanceof LegacySourceTransformation
                && ((LegacySourceTransformation<?>) t).getOperator().getUserFunction()
                        instanceof InputFormatSourceFunction;
    }

    @VisibleForTesting
    HotdataSinkConfig getConfig() {
        return config;
    }
}
