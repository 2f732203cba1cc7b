package dev.hotdata.flink.connector.source;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.RetryPolicy;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader pages through its range of a result and shrinks its pages when one is too large. */
class HotdataSourceReaderTest {

    private static final RowType ROW =
            RowType.of(new LogicalType[] {new BigIntType()}, new String[] {"id"});

    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    private static MockResponse page(long from, long to) {
        StringBuilder rows = new StringBuilder();
        for (long id = from; id < to; id++) {
            rows.append(rows.length() == 0 ? "" : ",").append('[').append(id).append(']');
        }
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "application/json")
                .setBody(
                        "{\"result_id\":\"res\",\"status\":\"ready\",\"columns\":[\"id\"],"
                                + "\"nullable\":[true],\"rows\":["
                                + rows
                                + "],\"row_count\":"
                                + (to - from)
                                + "}");
    }

    @Test
    void aPageRefusedAsTooLargeIsAskedForInHalves() throws Exception {
        server.enqueue(
                new MockResponse()
                        .setResponseCode(413)
                        .setHeader("Content-Type", "application/json")
                        .setBody(
                                "{\"error\":{\"code\":\"PAYLOAD_TOO_LARGE\",\"message\":\"big\"}}"));
        server.enqueue(page(0, 2));
        server.enqueue(page(2, 4));
        server.enqueue(page(4, 5));

        HotdataSourceReader reader =
                new HotdataSourceReader(
                        new Context(),
                        HotdataClientConfig.builder()
                                .endpoint(server.url("/").toString())
                                .apiKey("k")
                                .workspaceId("ws")
                                .retryPolicy(
                                        RetryPolicy.builder()
                                                .maxRetries(0)
                                                .initialBackoff(Duration.ofMillis(1))
                                                .build())
                                .build(),
                        new HotdataJsonRowConverter(ROW),
                        4);
        reader.addSplits(
                Collections.singletonList(new HotdataResultSplit("s0", "db", "res", 0, 5)));
        Collect out = new Collect();
        for (int i = 0; i < 20 && out.rows.size() < 5; i++) {
            assertThat(reader.pollNext(out)).isNotEqualTo(InputStatus.END_OF_INPUT);
        }
        reader.close();

        assertThat(out.rows).containsExactly(0L, 1L, 2L, 3L, 4L);
        List<String> limits = new ArrayList<>();
        for (int i = 0; i < server.getRequestCount(); i++) {
            String path = server.takeRequest().getPath();
            limits.add(path.replaceAll(".*limit=(\\d+).*", "$1"));
        }
        assertThat(limits).containsExactly("4", "2", "2", "1");
    }

    private static final class Collect implements ReaderOutput<RowData> {
        final List<Long> rows = new ArrayList<>();

        @Override
        public void collect(RowData record) {
            rows.add(record.getLong(0));
        }

        @Override
        public void collect(RowData record, long timestamp) {
            collect(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<RowData> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    private static final class Context implements SourceReaderContext {
        @Override
        public SourceReaderMetricGroup metricGroup() {
            return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSplitRequest() {}

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {}

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }
}
