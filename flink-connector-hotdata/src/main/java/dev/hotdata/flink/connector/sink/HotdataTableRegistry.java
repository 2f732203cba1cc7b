package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.HotdataJson;
import dev.hotdata.flink.connector.client.HotdataServerQuery;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.PartitionKey;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.SortKey;
import dev.hotdata.flink.connector.client.model.TableDeclaration;

import org.apache.flink.annotation.Internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code _flink_tables} table of a Hotdata schema: what Flink declared about each table of the
 * schema (its key and layout), one row per table. Hotdata's public table listing does not report a
 * table's key, and no public endpoint does, so the catalog reads keys from here.
 *
 * <p>Written by the sink when it declares a table with a key or a layout, and by the catalog's
 * {@code CREATE TABLE} and {@code ALTER TABLE ... PRIMARY KEY}. A write is an inline-CSV {@code
 * upsert} keyed by {@code (schema_name, table_name)}: repeating it (a restart, a retried request
 * whose answer was lost) leaves the same single row. The table has no layout, so its first load
 * need not be a {@code replace}. The last writer wins: the row says which key the table was last
 * declared or written with.
 */
@Internal
public final class HotdataTableRegistry {

    /** The registry's table name, in the schema of the tables it describes. */
    public static final String TABLE = "_flink_tables";

    private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("schema_name", "VARCHAR");
        COLUMNS.put("table_name", "VARCHAR");
        // JSON arrays: column names and layout entries may hold commas
        COLUMNS.put("key_columns", "VARCHAR");
        COLUMNS.put("partition_by", "VARCHAR");
        COLUMNS.put("sorted_by", "VARCHAR");
        COLUMNS.put("updated_at", "TIMESTAMPTZ");
    }

    private static final List<String> ROW_KEY = Arrays.asList("schema_name", "table_name");

    /** How long a read waits for a query the server answers asynchronously. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private final HotdataClient client;
    private final String databaseId;
    private final String schema;

    /**
     * @param schema the Hotdata schema whose tables the registry describes and in which it lives
     */
    public HotdataTableRegistry(HotdataClient client, String databaseId, String schema) {
        this.client = Objects.requireNonNull(client, "client");
        this.databaseId = Objects.requireNonNull(databaseId, "databaseId");
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    /** Whether a table name is the registry's own. */
    public static boolean isRegistry(String table) {
        return TABLE.equalsIgnoreCase(table);
    }

    /** What the registry knows of one table. */
    public static final class Entry {
        private final String table;
        private final List<String> key;
        private final List<PartitionKey> partitionBy;
        private final List<SortKey> sortedBy;

        public Entry(
                String table,
                List<String> key,
                List<PartitionKey> partitionBy,
                List<SortKey> sortedBy) {
            this.table = Objects.requireNonNull(table, "table").toLowerCase(Locale.ROOT);
            this.key = copy(key);
            this.partitionBy = copy(partitionBy);
            this.sortedBy = copy(sortedBy);
        }

        /** What a table declaration says. */
        public static Entry of(TableDeclaration declaration) {
            return new Entry(
                    declaration.name(),
                    declaration.key(),
                    declaration.partitionBy(),
                    declaration.sortedBy());
        }

        public String table() {
            return table;
        }

        /** The key columns; empty when the table has no key. */
        public List<String> key() {
            return key;
        }

        public List<PartitionKey> partitionBy() {
            return partitionBy;
        }

        public List<SortKey> sortedBy() {
            return sortedBy;
        }

        /** The same table and layout with another key (empty: none). */
        public Entry withKey(List<String> newKey) {
            return new Entry(table, newKey, partitionBy, sortedBy);
        }

        private static <T> List<T> copy(List<T> list) {
            return list == null
                    ? Collections.emptyList()
                    : Collections.unmodifiableList(new ArrayList<>(list));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Entry)) {
                return false;
            }
            Entry that = (Entry) o;
            return table.equals(that.table)
                    && key.equals(that.key)
                    && partitionBy.equals(that.partitionBy)
                    && sortedBy.equals(that.sortedBy);
        }

        @Override
        public int hashCode() {
            return Objects.hash(table, key, partitionBy, sortedBy);
        }

        @Override
        public String toString() {
            return "Entry{"
                    + table
                    + ", key="
                    + key
                    + ", partitionBy="
                    + partitionBy
                    + ", sortedBy="
                    + sortedBy
                    + '}';
        }
    }

    /** Records the entry (one upsert), replacing what the registry held for its table. */
    public void record(Entry entry, Instant at) throws HotdataException {
        String csv =
                String.join(",", COLUMNS.keySet())
                        + "\n"
                        + String.join(
                                ",",
                                HotdataCommitLog.csvField(schema),
                                HotdataCommitLog.csvField(entry.table()),
                                HotdataCommitLog.csvField(json(entry.key())),
                                HotdataCommitLog.csvField(json(entry.partitionBy())),
                                HotdataCommitLog.csvField(json(entry.sortedBy())),
                                HotdataCommitLog.TIMESTAMP.format(at))
                        + "\n";
        client.load(
                databaseId,
                schema,
                TABLE,
                LoadRequest.builder()
                        .mode(LoadMode.UPSERT)
                        .data(csv)
                        .format("csv")
                        .columns(COLUMNS)
                        // a per-load key: the table is created by this load, declared by nobody
                        .key(ROW_KEY)
                        .build());
    }

    /**
     * Records the entry unless the registry holds exactly it already, so that a sink restarting
     * costs one query rather than a load. Returns whether it wrote.
     */
    public boolean ensure(Entry entry, Instant at) throws HotdataException {
        Map<String, Entry> known = read(entry.table());
        if (known != null && entry.equals(known.get(entry.table()))) {
            return false;
        }
        record(entry, at);
        return true;
    }

    /**
     * The entries of the schema's tables (all of them with a null {@code table}), by lower-case
     * table name; {@code null} when the server refuses the query with a 4xx, which is what it
     * answers while the registry does not exist.
     */
    public Map<String, Entry> read(String table) throws HotdataException {
        String sql =
                "SELECT table_name, key_columns, partition_by, sorted_by FROM "
                        + schema
                        + "."
                        + TABLE
                        + " WHERE schema_name = "
                        + HotdataCommitLog.quote(schema)
                        + (table == null
                                ? ""
                                : " AND table_name = "
                                        + HotdataCommitLog.quote(table.toLowerCase(Locale.ROOT)))
                        + " ORDER BY updated_at";
        List<List<Object>> rows;
        try {
            rows = rows(sql);
        } catch (HotdataException e) {
            if (HotdataCommitLog.isMissingTable(e)) {
                return null;
            }
            throw e;
        }
        Map<String, Entry> out = new HashMap<>();
        for (List<Object> row : rows) {
            Entry entry = parse(row);
            out.put(entry.table(), entry); // ordered by time: a later row wins
        }
        return out;
    }

    private List<List<Object>> rows(String sql) throws HotdataException {
        QueryResponse response = client.query(databaseId, sql);
        if (!response.isAsync() && !response.truncated()) {
            return response.rows();
        }
        // the server chose to answer later, or sent a preview: wait for the whole result
        try {
            HotdataServerQuery.Result result =
                    new HotdataServerQuery(client, databaseId, READ_TIMEOUT).run(sql);
            return client.awaitResult(databaseId, result.resultId, READ_TIMEOUT).rows();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading " + TABLE, e);
        }
    }

    static Entry parse(List<Object> row) {
        String table = String.valueOf(row.get(0));
        try {
            return new Entry(
                    table,
                    parseList(row.get(1), new TypeReference<List<String>>() {}),
                    parseList(row.get(2), new TypeReference<List<PartitionKey>>() {}),
                    parseList(row.get(3), new TypeReference<List<SortKey>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "The row of table '" + table + "' in " + TABLE + " cannot be read: " + row, e);
        }
    }

    private static <T> List<T> parseList(Object value, TypeReference<List<T>> type)
            throws JsonProcessingException {
        if (value == null || String.valueOf(value).trim().isEmpty()) {
            return Collections.emptyList();
        }
        List<T> list = HotdataJson.mapper().readValue(String.valueOf(value), type);
        return list == null ? Collections.emptyList() : list;
    }

    private static String json(List<?> list) {
        try {
            return HotdataJson.mapper().writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + list + " as JSON", e);
        }
    }
}
