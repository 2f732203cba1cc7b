package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.RetryPolicy;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.sink.HotdataSink;
import dev.hotdata.flink.connector.sink.HotdataSinkBuilder;
import dev.hotdata.local.HotdataLocalServer;
import dev.hotdata.local.api.UploadReuse;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Connects sinks and a checking client to the test's hotdata-local server. */
final class HotdataTestSupport implements AutoCloseable {

    private final HotdataLocalServer server;
    private final HotdataClient client;

    HotdataTestSupport(HotdataLocalServer server) {
        this.server = server;
        this.client =
                new HotdataClient(
                        HotdataClientConfig.builder()
                                .endpoint(server.endpoint())
                                .apiKey(server.apiKey())
                                .workspaceId(server.workspaceId())
                                .retryPolicy(
                                        RetryPolicy.builder()
                                                .maxRetries(10)
                                                .initialBackoff(Duration.ofMillis(100))
                                                .maxBackoff(Duration.ofSeconds(2))
                                                .build())
                                .build());
    }

    HotdataLocalServer server() {
        return server;
    }

    HotdataClient client() {
        return client;
    }

    /**
     * A sink builder for {@link TestRows} pointed at the server, with short test back-offs. Under
     * the {@code CONFLICT} reading the committer re-sends a claimed upload once per retry (with
     * back-off) before it counts it as consumed; 3 retries keep that to about 1.5 s instead of ~35.
     */
    HotdataSinkBuilder<Long> sink(String database, String table) {
        int retries = server.readings().uploadReuse() == UploadReuse.CONFLICT ? 3 : 8;
        return HotdataSink.<Long>builder()
                .setEndpoint(server.endpoint())
                .setApiKey(server.apiKey())
                .setWorkspaceId(server.workspaceId())
                .setDatabase(database)
                .setTable(table)
                .setRowConverter(TestRows.ROW_TYPE, TestRows.converter())
                .setMaxRetries(retries)
                .setRetryBackoff(Duration.ofMillis(200));
    }

    /** The id of the one database with that name. */
    String databaseId(String name) throws HotdataException {
        List<DatabaseSummary> matches =
                client.listAllDatabases(name).stream()
                        .filter(d -> name.equals(d.name()))
                        .collect(Collectors.toList());
        assertThat(matches).as("databases named %s", name).hasSize(1);
        return matches.get(0).id();
    }

    /** One row of numbers from an aggregate query. */
    long[] aggregate(String database, String sql) throws HotdataException {
        QueryResponse response = client.query(databaseId(database), sql);
        List<Object> row = response.rows().get(0);
        long[] values = new long[row.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i) == null ? -1 : Long.parseLong(String.valueOf(row.get(i)));
        }
        return values;
    }

    /**
     * Asserts the table holds exactly the test rows 0..n-1, each once, with their values: no
     * duplicate, no loss.
     */
    void assertExactly(String database, String table, long n) throws HotdataException {
        long[] stats =
                aggregate(
                        database,
                        "SELECT count(*), count(DISTINCT id), min(id), max(id), sum(id),"
                                + " sum(CASE WHEN name = 'name-' || CAST(id AS VARCHAR)"
                                + " AND amount = CAST((id * 7) % 100000 AS DECIMAL(12,2)) / 100"
                                + " THEN 1 ELSE 0 END)"
                                + " FROM public."
                                + table);
        assertThat(stats[0]).as("rows in %s", table).isEqualTo(n);
        assertThat(stats[1]).as("distinct ids in %s", table).isEqualTo(n);
        assertThat(stats[2]).as("min id").isEqualTo(0);
        assertThat(stats[3]).as("max id").isEqualTo(n - 1);
        assertThat(stats[4]).as("sum of ids").isEqualTo(n * (n - 1) / 2);
        assertThat(stats[5]).as("rows whose values match their id").isEqualTo(n);
    }

    @Override
    public void close() {
        client.close();
    }
}
