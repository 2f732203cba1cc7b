package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.TestResource;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** Flink's connector test suite (basic, savepoint restarts at 2→2, 2→4, 4→2, metrics). */
class HotdataSinkTestSuiteITCase extends SinkTestSuiteBase<String> {

    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem LocalServer hotdata = new LocalServer();

    @TestSemantics
    CheckpointingMode[] semantics =
            new CheckpointingMode[] {
                CheckpointingMode.EXACTLY_ONCE, CheckpointingMode.AT_LEAST_ONCE
            };

    @TestContext Context.Factory context = new Context.Factory(hotdata);

    /** hotdata-local as the suite's external system. */
    static final class LocalServer implements TestResource {
        private HotdataLocalServer server;
        private Path dataDir;

        @Override
        public void startUp() throws Exception {
            dataDir = Files.createTempDirectory("hotdata-suite-");
            server = HotdataLocalServer.builder().port(0).dataDir(dataDir).build();
            server.start();
        }

        @Override
        public void tearDown() throws Exception {
            server.close();
            org.apache.flink.util.FileUtils.deleteDirectory(dataDir.toFile());
        }

        HotdataLocalServer server() {
            return server;
        }
    }

    /** One table per test case, read back through queries. */
    static final class Context implements DataStreamSinkV2ExternalContext<String> {

        private static final AtomicInteger TABLES = new AtomicInteger();
        private static final RowType ROW_TYPE =
                RowType.of(
                        new LogicalType[] {new VarCharType(false, VarCharType.MAX_LENGTH)},
                        new String[] {"value"});

        private final HotdataLocalServer server;
        private final String table = "suite_" + TABLES.incrementAndGet();
        private final HotdataTestSupport support;

        Context(HotdataLocalServer server) {
            this.server = server;
            this.support = new HotdataTestSupport(server);
        }

        /** Makes a context per test case. */
        static final class Factory
                implements org.apache.flink.connector.testframe.external.ExternalContextFactory<
                        Context> {
            private final LocalServer resource;

            Factory(LocalServer resource) {
                this.resource = resource;
            }

            @Override
            public Context createExternalContext(String testName) {
                return new Context(resource.server());
            }
        }

        @Override
        public Sink<String> createSink(TestingSinkSettings settings) {
            return HotdataSink.<String>builder()
                    .setEndpoint(server.endpoint())
                    .setApiKey(server.apiKey())
                    .setWorkspaceId(server.workspaceId())
                    .setDatabase("suite")
                    .setTable(table)
                    .setRowConverter(
                            ROW_TYPE, value -> GenericRowData.of(StringData.fromString(value)))
                    .setRetryBackoff(Duration.ofMillis(200))
                    // the suite's savepoint cases run without checkpointing: commits happen on
                    // the stop-with-savepoint
                    .setCheckpointingRequired(false)
                    .build();
        }

        @Override
        public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
            return new Reader(support.client(), table);
        }

        @Override
        public List<String> generateTestData(TestingSinkSettings settings, long seed) {
            Random random = new Random(seed);
            int count = 100 + random.nextInt(200);
            List<String> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                StringBuilder value = new StringBuilder();
                int length = 1 + random.nextInt(40);
                for (int c = 0; c < length; c++) {
                    value.append((char) ('a' + random.nextInt(26)));
                }
                values.add(value.toString());
            }
            return values;
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }

        @Override
        public List<URL> getConnectorJarPaths() {
            return Collections.emptyList();
        }

        @Override
        public void close() {
            support.close();
        }
    }

    /** Returns each committed row once across polls: the multiset difference to what it gave. */
    static final class Reader implements ExternalSystemDataReader<String> {
        private final HotdataClient client;
        private final String table;
        private final Map<String, Integer> returned = new HashMap<>();
        private String databaseId;

        Reader(HotdataClient client, String table) {
            this.client = client;
            this.table = table;
        }

        @Override
        public List<String> poll(Duration timeout) {
            List<String> fresh = new ArrayList<>();
            try {
                if (databaseId == null) {
                    databaseId =
                            client.listAllDatabases("suite").stream()
                                    .filter(d -> "suite".equals(d.name()))
                                    .findFirst()
                                    .map(d -> d.id())
                                    .orElse(null);
                    if (databaseId == null) {
                        return fresh;
                    }
                }
                QueryResponse response =
                        client.query(databaseId, "SELECT value FROM public." + table);
                Map<String, Integer> seen = new HashMap<>();
                for (List<Object> row : response.rows()) {
                    String value = String.valueOf(row.get(0));
                    int occurrence = seen.merge(value, 1, Integer::sum);
                    if (occurrence > returned.getOrDefault(value, 0)) {
                        fresh.add(value);
                        returned.put(value, occurrence);
                    }
                }
            } catch (HotdataException e) {
                // table not loaded yet: nothing committed to read
            }
            return fresh;
        }

        @Override
        public void close() {}
    }
}
