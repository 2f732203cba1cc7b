package dev.hotdata.flink.benchmarks;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.local.HotdataLocalServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks, after each timed run, that the sink delivered exactly the generated rows: a benchmark of
 * a sink that lost or duplicated rows would be measuring the wrong thing. Rows are numbered 0..n-1
 * in {@code order_id}, so count, distinct count and sum pin them down.
 */
final class Verification implements AutoCloseable {

    private final HotdataClient client;

    /**
     * @param server where the Hotdata tables are; null to check local files only
     */
    Verification(HotdataLocalServer server) {
        this.client =
                server == null
                        ? null
                        : new HotdataClient(
                                HotdataClientConfig.builder()
                                        .endpoint(server.endpoint())
                                        .apiKey(server.apiKey())
                                        .workspaceId(server.workspaceId())
                                        .build());
    }

    /** The table holds order ids 0..n-1 exactly once. */
    void hotdataTable(String database, String table, long n) throws HotdataException {
        hotdataTable(database, table, n, true);
    }

    /**
     * The table holds {@code n} distinct order ids, and with {@code dense} they are 0..n-1.
     *
     * @throws IllegalStateException if not
     */
    void hotdataTable(String database, String table, long n, boolean dense)
            throws HotdataException {
        List<DatabaseSummary> matches =
                client.listAllDatabases(database).stream()
                        .filter(d -> database.equals(d.name()))
                        .collect(Collectors.toList());
        if (matches.size() != 1) {
            throw new IllegalStateException(
                    matches.size() + " databases named " + database + ", expected 1");
        }
        List<Object> row =
                client.query(
                                matches.get(0).id(),
                                "SELECT count(*), count(DISTINCT order_id), sum(order_id) FROM"
                                        + " public."
                                        + table)
                        .rows()
                        .get(0);
        check(
                database + "." + table,
                n,
                dense,
                Long.parseLong(String.valueOf(row.get(0))),
                Long.parseLong(String.valueOf(row.get(1))),
                String.valueOf(row.get(2)));
    }

    /** The Parquet files under {@code dir} hold order ids 0..n-1 exactly once. */
    void parquetFiles(Path dir, long n) throws Exception {
        List<String> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files =
                    walk.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .map(p -> "'" + p.toAbsolutePath() + "'")
                            .collect(Collectors.toList());
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("FileSink wrote no files under " + dir);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT count(*), count(DISTINCT order_id), sum(order_id) FROM"
                                        + " read_parquet(["
                                        + String.join(",", files)
                                        + "])")) {
            rs.next();
            check("FileSink output " + dir, n, true, rs.getLong(1), rs.getLong(2), rs.getString(3));
        }
    }

    private static void check(
            String what, long n, boolean dense, long count, long distinct, String sum) {
        boolean ok =
                count == n && distinct == n && (!dense || Long.parseLong(sum) == n * (n - 1) / 2);
        if (!ok) {
            throw new IllegalStateException(
                    what
                            + ": expected "
                            + n
                            + " distinct rows"
                            + (dense ? " 0.." + (n - 1) : "")
                            + ", found count "
                            + count
                            + ", distinct "
                            + distinct
                            + ", sum "
                            + sum);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
