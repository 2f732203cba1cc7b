package dev.hotdata.local.engine;

import dev.hotdata.local.api.Identifiers;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.store.ColumnRecord;
import dev.hotdata.local.store.DataLayout;
import dev.hotdata.local.store.FileRecord;
import dev.hotdata.local.store.TableRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.duckdb.DuckDBConnection;

import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Embedded DuckDB access. Table contents are Parquet files, so no table data lives in DuckDB.
 *
 * <p>Server-generated work (loads, result pages, statement checks) runs on connections of one
 * shared in-memory instance: starting a DuckDB instance costs 10–35 ms, which used to dominate a
 * load. User SQL runs in an instance of its own ({@link #openIsolated}), because it attaches the
 * queried database as a catalog and must see nothing else, and is {@link #sandbox sandboxed}: it
 * reaches no file or network beyond the queried tables' files.
 */
public final class Engine implements AutoCloseable {
    private final DataLayout layout;
    private final int threads;
    private DuckDBConnection shared;
    private boolean closed;

    public Engine(DataLayout layout, int threads) {
        this.layout = layout;
        this.threads = threads;
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("DuckDB JDBC driver missing", e);
        }
    }

    public DataLayout layout() {
        return layout;
    }

    /**
     * A connection to the shared instance, UTC session time zone. For SQL the server writes itself:
     * it reads and writes files by path and creates no catalog objects.
     */
    public Connection open() throws SQLException {
        DuckDBConnection root;
        synchronized (this) {
            if (closed) {
                throw new SQLException("the engine is closed");
            }
            if (shared == null) {
                shared = (DuckDBConnection) configure(DriverManager.getConnection("jdbc:duckdb:"));
            }
            root = shared;
        }
        Connection c = root.duplicate();
        try (Statement s = c.createStatement()) {
            s.execute("SET TimeZone='UTC'");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A fresh in-memory instance of its own, UTC session time zone, spilling into {@code
     * scratchDir}: for user SQL. Set up its catalog, then {@link #sandbox} it before running the
     * user's statement.
     */
    public Connection openIsolated(Path scratchDir) throws SQLException {
        return configure(DriverManager.getConnection("jdbc:duckdb:"), scratchDir);
    }

    /** {@link #openIsolated(Path)} spilling into the data directory's {@code tmp/}. */
    public Connection openIsolated() throws SQLException {
        return openIsolated(layout.tmpDir());
    }

    /**
     * Locks an isolated instance down before user SQL runs in it: no file or network access except
     * {@code readablePaths} (the queried tables' files) and {@code scratchDir} (spill files and the
     * query's result), no extension installing or loading, and the configuration locked so the
     * statement cannot undo any of it.
     */
    public static void sandbox(Connection c, Collection<String> readablePaths, Path scratchDir)
            throws SQLException {
        StringBuilder paths = new StringBuilder("[");
        for (String p : readablePaths) {
            if (paths.length() > 1) {
                paths.append(", ");
            }
            paths.append(Identifiers.literal(p));
        }
        paths.append("]::VARCHAR[]");
        String dir = scratchDir.toAbsolutePath().toString();
        if (!dir.endsWith(File.separator)) {
            dir = dir + File.separator;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET allowed_paths=" + paths);
            s.execute("SET allowed_directories=[" + Identifiers.literal(dir) + "]");
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
            s.execute("SET enable_external_access=false");
            s.execute("SET lock_configuration=true");
        }
    }

    private Connection configure(Connection c) throws SQLException {
        return configure(c, layout.tmpDir());
    }

    private Connection configure(Connection c, Path tempDir) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET threads=" + threads);
            s.execute("SET TimeZone='UTC'");
            s.execute("SET memory_limit='1GB'");
            s.execute(
                    "SET temp_directory="
                            + Identifiers.literal(tempDir.toAbsolutePath().toString()));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Closes the shared instance; connections still open fail from then on. */
    @Override
    public synchronized void close() {
        closed = true;
        if (shared != null) {
            try {
                shared.close();
            } catch (SQLException ignored) {
                // closing: nothing to do about it
            }
            shared = null;
        }
    }

    public static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static long scalarLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    public static String scalarString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /** Column names and DuckDB types of a relation ({@code DESCRIBE}). */
    public static List<ColumnRecord> describe(Connection c, String relationSql)
            throws SQLException {
        List<ColumnRecord> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("DESCRIBE " + relationSql)) {
            while (r.next()) {
                out.add(new ColumnRecord(r.getString(1), r.getString(2)));
            }
        }
        return out;
    }

    /** The absolute paths of a table generation's files, as {@link #fileList} names them. */
    public List<String> filePaths(List<FileRecord> files) {
        List<String> out = new ArrayList<>();
        for (FileRecord f : files) {
            out.add(layout.resolve(f.path).toAbsolutePath().toString());
        }
        return out;
    }

    /** SQL literal for {@code read_parquet}'s file list. */
    public String fileList(List<FileRecord> files) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < files.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(
                    Identifiers.literal(
                            layout.resolve(files.get(i).path).toAbsolutePath().toString()));
        }
        return sb.append(']').toString();
    }

    /**
     * A SELECT yielding a table generation with the table's column types: files are read by name,
     * columns absent from a file (added later) are NULL, narrower file types are cast up.
     */
    public String tableRelation(List<ColumnRecord> columns, List<FileRecord> files) {
        Set<String> present = new HashSet<>();
        for (FileRecord f : files) {
            for (String n : f.columns) {
                present.add(n.toLowerCase(Locale.ROOT));
            }
        }
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            ColumnRecord col = columns.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            String q = Identifiers.quote(col.name);
            if (!files.isEmpty() && present.contains(col.name.toLowerCase(Locale.ROOT))) {
                sb.append("CAST(").append(q).append(" AS ").append(col.type).append(")");
            } else {
                sb.append("CAST(NULL AS ").append(col.type).append(")");
            }
            sb.append(" AS ").append(q);
        }
        if (columns.isEmpty()) {
            sb.append("NULL AS \"__empty\"");
        }
        if (files.isEmpty()) {
            sb.append(" WHERE false");
        } else {
            sb.append(" FROM read_parquet(")
                    .append(fileList(files))
                    .append(", union_by_name=true)");
        }
        return sb.toString();
    }

    public String tableRelation(TableRecord t) {
        return tableRelation(t.columns, t.files);
    }

    /**
     * Reads rows of a relation as JSON arrays in hotdata-local's value encoding (see README):
     * numbers and booleans as JSON, decimals/timestamps/dates/strings as strings, binary as base64,
     * nested values as JSON.
     */
    public static ArrayNode jsonRows(
            Connection c, String relationSql, List<ColumnRecord> columns, long offset, Long limit)
            throws SQLException {
        List<DuckType> types = new ArrayList<>();
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            DuckType t = DuckType.parse(columns.get(i).type);
            types.add(t);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(t.jsonExpression(Identifiers.quote(columns.get(i).name)));
        }
        if (columns.isEmpty()) {
            sb.append("1");
        }
        sb.append(" FROM (").append(relationSql).append(") AS __r");
        if (limit != null) {
            sb.append(" LIMIT ").append(limit);
        }
        if (offset > 0) {
            sb.append(" OFFSET ").append(offset);
        }
        ArrayNode rows = Json.arr();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sb.toString())) {
            while (r.next()) {
                ArrayNode row = rows.addArray();
                for (int i = 0; i < columns.size(); i++) {
                    row.add(toJson(r.getObject(i + 1), types.get(i)));
                }
            }
        }
        return rows;
    }

    private static JsonNode toJson(Object v, DuckType t) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) {
            return f.nullNode();
        }
        switch (t.jsonKind()) {
            case NESTED:
                return Json.parse(v.toString());
            case BOOLEAN:
                return f.booleanNode((Boolean) v);
            case NUMBER:
                if (v instanceof Double) {
                    return f.numberNode((Double) v);
                }
                if (v instanceof Float) {
                    return f.numberNode((Float) v);
                }
                if (v instanceof BigInteger) {
                    return f.numberNode((BigInteger) v);
                }
                if (v instanceof BigDecimal) {
                    return f.numberNode((BigDecimal) v);
                }
                if (v instanceof Number) {
                    return f.numberNode(((Number) v).longValue());
                }
                return f.textNode(v.toString());
            default:
                return f.textNode(v.toString());
        }
    }

    /** Translates a DuckDB error into the message part worth showing to a client. */
    public static String cleanMessage(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf("\n\nLINE");
        if (nl > 0) {
            m = m.substring(0, nl);
        }
        return m.trim();
    }
}
