package dev.hotdata.flink.e2e;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink id set by the user names a lineage, not a run: jobs started without state with the same id
 * reuse checkpoint ids, and each one's checkpoints must still be published.
 */
class HotdataSinkIdentityITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(2);

    private void run(long from, long to) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        env.fromSequence(from, to)
                .sinkTo(
                        E2E.hotdata()
                                .sink("identity", "events")
                                .setSinkId("my-sink")
                                .setRollingMaxBytes(16 * 1024)
                                .build());
        env.execute();
    }

    @Test
    void freshJobsWithTheSameSinkIdEachPublishEverything() throws Exception {
        run(0, 4_999);
        E2E.hotdata().assertExactly("identity", "events", 5_000);
        run(5_000, 9_999);
        E2E.hotdata().assertExactly("identity", "events", 10_000);

        long[] log =
                E2E.hotdata()
                        .aggregate(
                                "identity",
                                "SELECT count(DISTINCT run_id), count(DISTINCT sink_id), sum(row_count)"
                                        + " FROM public._flink_commits");
        assertThat(log[0]).as("runs in the commit log").isEqualTo(2);
        assertThat(log[1]).as("sink ids in the commit log").isEqualTo(1);
        assertThat(log[2]).as("rows the commit log records").isEqualTo(10_000);
    }
}
