package dev.hotdata.flink.connector.sink;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The aggregator owns the sink's identity: one sink id and run id per run, kept in its state. */
class HotdataCommitAggregatorTest {

    private static OneInputStreamOperatorTestHarness<
                    CommittableMessage<HotdataWriteResult>, CommittableMessage<HotdataCommittable>>
            harness(String configuredSinkId) throws Exception {
        OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                harness =
                        new OneInputStreamOperatorTestHarness<>(
                                new HotdataCommitAggregator(configuredSinkId, false));
        harness.setup(
                CommittableMessageTypeInfo.of(HotdataCommittableSerializer::new)
                        .createSerializer(new SerializerConfigImpl()));
        return harness;
    }

    private static StreamRecord<CommittableMessage<HotdataWriteResult>> result(
            String writerSinkId, long checkpoint, String uploadId) {
        return new StreamRecord<>(
                new CommittableWithLineage<>(
                        new HotdataWriteResult(
                                writerSinkId,
                                Collections.singletonList(
                                        new HotdataUploadedFile(
                                                uploadId, HotdataUploadedFile.Kind.ROWS, 1, 10))),
                        checkpoint,
                        0));
    }

    private static List<HotdataCommittable> committables(
            OneInputStreamOperatorTestHarness<?, CommittableMessage<HotdataCommittable>> harness) {
        List<HotdataCommittable> out = new ArrayList<>();
        for (CommittableMessage<HotdataCommittable> message : harness.extractOutputValues()) {
            if (message instanceof CommittableWithLineage) {
                out.add(((CommittableWithLineage<HotdataCommittable>) message).getCommittable());
            }
        }
        return out;
    }

    @Test
    void aFreshStartDrawsARunAndARestoreKeepsIt() throws Exception {
        OperatorSubtaskState state;
        String runId;
        try (OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                first = harness("configured")) {
            first.open();
            // a writer's own (e.g. re-drawn) sink id does not decide the identity
            first.processElement(result("writer-a", 1, "u1"));
            first.prepareSnapshotPreBarrier(1);
            state = first.snapshot(1, 1);
            HotdataCommittable c = committables(first).get(0);
            assertThat(c.sinkId()).isEqualTo("configured");
            assertThat(c.runId()).isNotEmpty();
            assertThat(c.files()).hasSize(1);
            runId = c.runId();
        }

        // restored (say from a savepoint after a re-plan that drew another configured id)
        try (OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                restored = harness("re-planned")) {
            restored.initializeState(state);
            restored.open();
            restored.processElement(result("writer-a", 2, "u2"));
            restored.processElement(result("writer-b", 2, "u3"));
            restored.prepareSnapshotPreBarrier(2);
            HotdataCommittable c = committables(restored).get(0);
            assertThat(c.sinkId()).isEqualTo("configured");
            assertThat(c.runId()).isEqualTo(runId);
            assertThat(c.uploadIds()).isEqualTo("u2 u3");
        }

        // a fresh start with the same configured id is a new run
        try (OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                fresh = harness("configured")) {
            fresh.open();
            fresh.processElement(result("writer-a", 1, "u4"));
            fresh.prepareSnapshotPreBarrier(1);
            HotdataCommittable c = committables(fresh).get(0);
            assertThat(c.sinkId()).isEqualTo("configured");
            assertThat(c.runId()).isNotEqualTo(runId);
        }
    }
}
