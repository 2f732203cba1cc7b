package dev.hotdata.flink.connector.sink.committer;

import dev.hotdata.flink.connector.sink.writer.HotdataWriteResult;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs at parallelism 1 between the writers and the committers and merges every writer subtask's
 * uploads of a checkpoint into one {@link HotdataCommittable}, so that exactly one committer
 * subtask issues the loads, in checkpoint order. Hotdata locks a whole database per load, so loads
 * raced from several subtasks would only collide.
 *
 * <p>The writers emit their results before forwarding the barrier, and unaligned checkpoints are
 * disabled on sink edges, so when {@link #prepareSnapshotPreBarrier} runs every result of that
 * checkpoint has arrived. Nothing is buffered across a barrier, hence no operator state.
 */
@Internal
public class HotdataCommitAggregator
        extends AbstractStreamOperator<CommittableMessage<HotdataCommittable>>
        implements OneInputStreamOperator<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final boolean publishAtEnd;

    private transient List<HotdataUploadedFile> pending;
    private transient String sinkId;
    private transient long lastCheckpointId;
    private transient long maxSeenCheckpointId;

    /**
     * @param publishAtEnd whether the end of input must reach the committer even without new
     *     uploads, because it publishes what earlier checkpoints staged ({@code replace} mode)
     */
    public HotdataCommitAggregator(boolean publishAtEnd) {
        this.publishAtEnd = publishAtEnd;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pending = new ArrayList<>();
        lastCheckpointId = context.getRestoredCheckpointId().orElse(0L);
        maxSeenCheckpointId = lastCheckpointId;
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
                new HotdataCommittable(sinkId, checkpointId, pending, endOfInput);
        pending = new ArrayList<>();
        output.collect(new StreamRecord<>(new CommittableSummary<>(0, 1, checkpointId, 1, 0)));
        output.collect(
                new StreamRecord<>(new CommittableWithLineage<>(committable, checkpointId, 0)));
    }
}
