package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.RetryPolicy;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;

import org.apache.flink.core.execution.JobClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks shared by the reliability, bad-input, security and soak tests: table contents by database
 * id (names may be ambiguous on purpose), job failures and their cause chains, retained
 * checkpoints.
 */
final class ReliabilityChecks {

    private ReliabilityChecks() {}

    /** A checking client with generous retries, for a server at {@code endpoint}. */
    static HotdataClient client(String endpoint, String apiKey, String workspaceId) {
        return new HotdataClient(
                HotdataClientConfig.builder()
                        .endpoint(endpoint)
                        .apiKey(apiKey)
                        .workspaceId(workspaceId)
                        .retryPolicy(
                                RetryPolicy.builder()
                                        .maxRetries(10)
                                        .initialBackoff(Duration.ofMillis(100))
                                        .maxBackoff(Duration.ofSeconds(2))
                                        .build())
                        .build());
    }

    /** The ids of the databases with exactly that name. */
    static List<String> databaseIds(HotdataClient client, String name) throws HotdataException {
        return client.listAllDatabases(name).stream()
                .filter(d -> name.equals(d.name()))
                .map(DatabaseSummary::id)
                .collect(Collectors.toList());
    }

    /** The id of the one database with that name. */
    static String databaseId(HotdataClient client, String name) throws HotdataException {
        List<String> ids = databaseIds(client, name);
        assertThat(ids).as("databases named %s", name).hasSize(1);
        return ids.get(0);
    }

    /** One row of numbers from an aggregate query (NULL as -1). */
    static long[] aggregate(HotdataClient client, String databaseId, String sql)
            throws HotdataException {
        List<Object> row = client.query(databaseId, sql).rows().get(0);
        long[] values = new long[row.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i) == null ? -1 : Long.parseLong(String.valueOf(row.get(i)));
        }
        return values;
    }

    /**
     * Asserts the table holds exactly the {@link TestRows} with ids {@code from..to-1}, each once,
     * each with its own values.
     */
    static void assertTestRows(
            HotdataClient client, String databaseId, String table, long from, long to)
            throws HotdataException {
        long n = to - from;
        long[] stats =
                aggregate(
                        client,
                        databaseId,
                        "SELECT count(*), count(DISTINCT id), min(id), max(id), sum(id),"
                                + " sum(CASE WHEN name = 'name-' || CAST(id AS VARCHAR)"
                                + " AND amount = CAST((id * 7) % 100000 AS DECIMAL(12,2)) / 100"
                                + " THEN 1 ELSE 0 END)"
                                + " FROM public."
                                + table);
        assertThat(stats[0]).as("rows in %s", table).isEqualTo(n);
        assertThat(stats[1]).as("distinct ids in %s", table).isEqualTo(n);
        assertThat(stats[2]).as("min id").isEqualTo(from);
        assertThat(stats[3]).as("max id").isEqualTo(to - 1);
        assertThat(stats[4]).as("sum of ids").isEqualTo((from + to - 1) * n / 2);
        assertThat(stats[5]).as("rows whose values match their id").isEqualTo(n);
    }

    /**
     * Waits for a job that must fail and returns why it failed. A job that finishes, or is still
     * running at the deadline (it is cancelled then), fails the test.
     */
    static Throwable awaitFailure(JobClient job, Duration timeout) throws Exception {
        try {
            job.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (TimeoutException e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            throw new AssertionError("the job did not fail within " + timeout, e);
        }
        throw new AssertionError("the job finished, but it should have failed");
    }

    /** Every message of a cause chain (and suppressed exceptions), one per line. */
    static String describe(Throwable failure) {
        StringBuilder sb = new StringBuilder();
        describe(failure, sb, 0);
        return sb.toString();
    }

    private static void describe(Throwable t, StringBuilder sb, int depth) {
        if (t == null || depth > 30) {
            return;
        }
        sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        for (Throwable s : t.getSuppressed()) {
            describe(s, sb, depth + 1);
        }
        if (t.getCause() != t) {
            describe(t.getCause(), sb, depth + 1);
        }
    }

    private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-(\\d+)");

    /** The newest completed checkpoint ({@code chk-N} with a {@code _metadata}) under a dir. */
    static Path latestCheckpoint(Path checkpointRoot) throws IOException {
        List<Path> completed = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(checkpointRoot, 3)) {
            paths.filter(p -> CHECKPOINT_DIR.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .forEach(completed::add);
        }
        assertThat(completed).as("completed checkpoints under %s", checkpointRoot).isNotEmpty();
        return completed.stream().max(Comparator.comparingLong(ReliabilityChecks::number)).get();
    }

    private static long number(Path checkpoint) {
        Matcher m = CHECKPOINT_DIR.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
