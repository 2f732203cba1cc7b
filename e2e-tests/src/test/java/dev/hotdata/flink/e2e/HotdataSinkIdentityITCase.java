package dev.hotdata.flink.e2e;

import dev.hotdata.local.HotdataLocalExtension;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink id set by the user names a lineage, not a run: jobs started without state with the same id
 * reuse checkpoint ids, and each one's checkpoints must still be published.
 */
class HotdataSinkIdentityITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private HotdataTestSupport hotdata;

    @BeforeEach
    void connect() {
        hotdata = new HotdataTestSupport(HOTDATA.server());
    }

    @AfterEach
    void disconnect() {
        hotdata.close();
    }

    private void run(long from, long to) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        env.fromSequence(from, to)
                .sinkTo(
                        hotdata.sink("identity", "events")
                                .setSinkId("my-sink")
                                .setRollingMaxBytes(16 * 1024)
                                .build());
        env.execute();
    }

    @Test
    void freshJobsWithTheSameSinkIdEachPublishEverything() throws Exception {
        run(0, 4_999);
        hotdata.assertExactly("identity", "events", 5_000);
        run(5_000, 9_999);
        hotdata.assertExactly("identity", "events", 10_000);

        long[] log =
                hotdata.aggregate(
                        "identity",
                        "SELECT count(DISTINCT run_id), count(DISTINCT sink_id), sum(row_count)"
                                + " FROM public._flink_commits");
        assertThat(log[0]).as("runs in the commit log").isEqualTo(2);
        assertThat(log[1]).as("sink ids in the commit log").isEqualTo(1);
        assertThat(log[2]).as("rows the commit log records").isEqualTo(10_000);
    }
}
