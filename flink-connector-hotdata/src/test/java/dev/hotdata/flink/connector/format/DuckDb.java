package dev.hotdata.flink.connector.format;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** DuckDB (in-memory, JDBC) as the reference Parquet reader of the format tests. */
final class DuckDb {

    private DuckDb() {}

    /**
     * Runs {@code sql} with every {@code FILE} replaced by {@code read_parquet('<file>')} and
     * returns all rows, each value read with {@link ResultSet#getObject(int)}.
     */
    static List<List<Object>> query(Path file, String sql) throws SQLException {
        String from = "read_parquet('" + file.toAbsolutePath().toString().replace("'", "''") + "')";
        String resolved = sql.replace("FILE", from);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery(resolved)) {
                ResultSetMetaData md = rs.getMetaData();
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** A query returning one row. */
    static List<Object> single(Path file, String sql) throws SQLException {
        List<List<Object>> rows = query(file, sql);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + ": " + rows);
        }
        return rows.get(0);
    }

    /** The file's values of one column, in file order, as DuckDB's JSON text. */
    static List<String> json(Path file, String column) throws SQLException {
        List<String> out = new ArrayList<>();
        for (List<Object> r :
                query(file, "SELECT to_json(\"" + column + "\")::VARCHAR FROM FILE")) {
            out.add((String) r.get(0));
        }
        return out;
    }
}
