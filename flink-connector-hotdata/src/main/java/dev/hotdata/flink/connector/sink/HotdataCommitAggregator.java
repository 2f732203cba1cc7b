package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;
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

    private transient ListState<String> identityState;
    private transient List<HotdataUploadedFile> pending;
    private transient String sinkId;
    private transient String runId;
    private transient long lastCheckpointId;
    private transient long maxSeenCheckpointId;

    /**
     * @param configuredSinkId the sink id of a run started without state
     * @param publishAtEnd whether the end of input must reach the committer even without new
     *     uploads, because it publishes what earlier checkpoints staged ({@code replace} mode)
     */
    public HotdataCommitAggregator(String configuredSinkId, boolean publishAtEnd) {
        this.configuredSinkId = configuredSinkId;
        this.publishAtEnd = publishAtEnd;
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
    public void processElement(StreamRecord<CommittableMessage<HotdataWriteResult>> element) {
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
            maxSeenCheckpointId = Math.max(maxSeenCheckpointId, lineage.getCheckpointId());
        }
        // Summaries of the writers are replaced by our own single summary.
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        emit(checkpointId, false);
        lastCheckpointId = checkpointId;
    }

    @Override
    public void endInput() {
        // The writers label their end-of-input results with the next checkpoint id.
        emit(Math.max(lastCheckpointId + 1, maxSeenCheckpointId), true);
    }

    private void emit(long checkpointId, boolean endOfInput) {
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
}
