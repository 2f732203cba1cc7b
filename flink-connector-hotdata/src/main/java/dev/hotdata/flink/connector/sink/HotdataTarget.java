package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataAmbiguousNameException;
import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataErrorCodes;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.InformationSchemaPage;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.PartitionKey;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.SortKey;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.client.model.TableInfo;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The database and table a sink publishes into, resolved once per committer: the database by id, or
 * by name (exactly one match, else created when allowed), and the table declared with its key and
 * layout. Tables are added in place; a deleted (tombstoned) table is reported, never recreated
 * under the same name.
 */
@Internal
final class HotdataTarget {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataTarget.class);

    /** Longest table name Hotdata is known to accept (hotdata-local's strict bound). */
    static final int MAX_IDENTIFIER_LENGTH = 63;

    private static final Object RESOLVING = new Object();

    private final String databaseId;
    private final String connectionId;

    private HotdataTarget(String databaseId, String connectionId) {
        this.databaseId = databaseId;
        this.connectionId = connectionId;
    }

    String databaseId() {
        return databaseId;
    }

    /** The database's default connection, which table deletion and listing address. */
    String connectionId() {
        return connectionId;
    }

    /** Declares a table of the sink's schema with no key or layout; an existing one is reused. */
    void declarePlainTable(HotdataClient client, HotdataSinkConfig config, String table)
            throws HotdataException, HotdataTargetException {
        declareTable(client, config, databaseId, TableDeclaration.builder().name(table).build());
    }

    /**
     * Whether the table has columns yet: a declared table gets them with its first load, and SQL
     * that names its columns fails before that.
     */
    boolean hasColumns(HotdataClient client, String schema, String table) throws HotdataException {
        InformationSchemaPage page =
                client.informationSchema(
                        InformationSchemaRequest.builder()
                                .connectionId(connectionId)
                                .schema(schema)
                                .table(table)
                                .includeColumns(true)
                                .build());
        for (TableInfo info : page.tables()) {
            if (table.equalsIgnoreCase(info.table())
                    && info.columns() != null
                    && !info.columns().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Resolves the database and declares the sink's table (a no-op when it exists). */
    static HotdataTarget resolve(HotdataClient client, HotdataSinkConfig config)
            throws HotdataException, HotdataTargetException {
        TableDeclaration table = tableDeclaration(config);
        DatabaseInfo database;
        // sinks of one job resolve (and maybe create) the same database name: one at a time
        synchronized (RESOLVING) {
            database = resolveDatabase(client, config, table);
        }
        declareTable(client, config, database.id(), table);
        HotdataTarget target = new HotdataTarget(database.id(), database.defaultConnectionId());
        if (!config.layout().partitionBy().isEmpty() || !config.layout().sortedBy().isEmpty()) {
            target.seedLayoutTable(client, config);
        }
        return target;
    }

    /**
     * Records the sink's table in {@link HotdataTableRegistry} when it declares a key or a layout:
     * the public table listing does not report keys, and the catalog reads them there. A query,
     * plus a load only when the record changed; called in the database's turn, as loads are.
     */
    void recordDeclaration(HotdataClient client, HotdataSinkConfig config) throws HotdataException {
        TableDeclaration table = tableDeclaration(config);
        if (table.key() != null || !table.partitionBy().isEmpty() || !table.sortedBy().isEmpty()) {
            new HotdataTableRegistry(client, databaseId, config.schema())
                    .ensure(HotdataTableRegistry.Entry.of(table), Instant.now());
        }
    }

    /**
     * A table with a layout ({@code partition_by} / {@code sorted_by}) must receive a {@code
     * replace} as its first load, whatever the sink's write mode: a table that has no columns yet
     * (never loaded) gets a zero-row {@code replace} of the sink's columns. Safe to repeat: a
     * zero-row replace of a table still without rows changes nothing.
     */
    private void seedLayoutTable(HotdataClient client, HotdataSinkConfig config)
            throws HotdataException, HotdataTargetException {
        if (hasColumns(client, config.schema(), config.table())) {
            return;
        }
        FinalizedUpload upload;
        try {
            upload = HotdataEmptyUpload.upload(client, config.rowType(), config.parquetOptions());
        } catch (IOException e) {
            throw new HotdataTargetException(
                    "Could not write the empty Parquet file that gives "
                            + config.targetDescription()
                            + " its columns",
                    e);
        }
        client.load(
                databaseId,
                config.schema(),
                config.table(),
                LoadRequest.builder().mode(LoadMode.REPLACE).uploadId(upload.uploadId()).build());
        LOG.info(
                "Gave the layout table {} its columns with a zero-row replace",
                config.targetDescription());
    }

    private static DatabaseInfo resolveDatabase(
            HotdataClient client, HotdataSinkConfig config, TableDeclaration table)
            throws HotdataException, HotdataTargetException {
        if (config.databaseId() != null) {
            try {
                return client.getDatabase(config.databaseId());
            } catch (HotdataException e) {
                if (e.statusCode() == 404) {
                    throw new HotdataTargetException(
                            "Hotdata database id '"
                                    + config.databaseId()
                                    + "' does not exist in this workspace.",
                            e);
                }
                throw e;
            }
        }
        String name = config.databaseName();
        DatabaseSummary match;
        try {
            match = client.findDatabaseByName(name);
        } catch (HotdataAmbiguousNameException e) {
            throw new HotdataTargetException(e.getMessage(), e);
        }
        if (match != null) {
            return client.getDatabase(match.id());
        }
        if (!config.createDatabaseIfMissing()) {
            throw new HotdataTargetException(
                    "Hotdata database '"
                            + name
                            + "' does not exist and creating missing databases is disabled.");
        }
        LOG.info("Creating Hotdata database '{}' (or finding it, if created meanwhile)", name);
        List<TableDeclaration> tables = new ArrayList<>();
        tables.add(table);
        for (String declared : config.declaredTables()) {
            tables.add(TableDeclaration.builder().name(declared).build());
        }
        return createOrFind(
                client,
                CreateDatabaseRequest.builder()
                        .name(name)
                        .schemas(
                                Collections.singletonList(
                                        new SchemaDeclaration(config.schema(), tables)))
                        .ifNotExists(true)
                        .build());
    }

    /**
     * Creates the database {@code request} names ({@code if_not_exists} set), or finds the one that
     * exists. A server that offers get-or-create says which it did ({@code created} true or false)
     * and makes one database however many creators race; a server that does not ({@code created}
     * absent: it ignored {@code if_not_exists} and created one) is settled by listing: every
     * creator keeps the earliest created database of the name and deletes its own if it lost.
     */
    static DatabaseInfo createOrFind(HotdataClient client, CreateDatabaseRequest request)
            throws HotdataException, HotdataTargetException {
        String name = request.name();
        DatabaseInfo created;
        try {
            created = client.createDatabase(request);
        } catch (HotdataException e) {
            if (e.statusCode() == 409) {
                // get-or-create found several databases of the name: name them
                try {
                    client.findDatabaseByName(name);
                } catch (HotdataAmbiguousNameException ambiguous) {
                    throw new HotdataTargetException(ambiguous.getMessage(), ambiguous);
                }
            }
            throw e;
        }
        if (created.created() != null) {
            if (!created.created()) {
                LOG.info("Hotdata database '{}' exists already as {}", name, created.id());
            }
            return created;
        }
        return settleConcurrentCreation(client, name, created);
    }

    /**
     * Sinks in other processes may have created a database of the same name at the same time (names
     * are not unique in Hotdata). All of them settle on the earliest created one, and a loser
     * deletes the empty database it just made.
     */
    private static DatabaseInfo settleConcurrentCreation(
            HotdataClient client, String name, DatabaseInfo created) throws HotdataException {
        List<DatabaseSummary> matches;
        try {
            client.findDatabaseByName(name);
            return created; // no other database has the name
        } catch (HotdataAmbiguousNameException e) {
            matches =
                    e.matches().stream()
                            .sorted(
                                    Comparator.comparing(
                                                    (DatabaseSummary db) ->
                                                            createdAt(db.createdAt()))
                                            .thenComparing(DatabaseSummary::id))
                            .collect(Collectors.toList());
        }
        if (matches.get(0).id().equals(created.id())) {
            return created;
        }
        DatabaseSummary winner = matches.get(0);
        LOG.info(
                "Database '{}' was created concurrently as {} and {}; using {}",
                name,
                winner.id(),
                created.id(),
                winner.id());
        try {
            client.deleteDatabase(created.id());
        } catch (HotdataException e) {
            LOG.warn(
                    "Could not delete the duplicate empty database {}: {}",
                    created.id(),
                    e.getMessage());
        }
        return client.getDatabase(winner.id());
    }

    /**
     * A creation time as an instant: RFC 3339 strings with different numbers of fraction digits do
     * not sort as text ({@code ...:00Z} after {@code ...:00.5Z}). An absent or unreadable time
     * sorts last, so a database whose age is unknown never wins over one whose age is known.
     */
    static Instant createdAt(String value) {
        if (value == null) {
            return Instant.MAX;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.MAX;
        }
    }

    private static void declareTable(
            HotdataClient client,
            HotdataSinkConfig config,
            String databaseId,
            TableDeclaration table)
            throws HotdataException, HotdataTargetException {
        try {
            client.addTable(databaseId, config.schema(), table);
            LOG.info("Declared Hotdata table {}.{}", config.schema(), table.name());
            return;
        } catch (HotdataException e) {
            if (e.statusCode() == 409) {
                checkNotDeleted(config, table, e);
                return; // exists already: tables are reused in place
            }
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        // 404: the schema does not exist yet
        try {
            client.addSchema(
                    databaseId,
                    new SchemaDeclaration(config.schema(), Collections.singletonList(table)));
        } catch (HotdataException e) {
            if (e.statusCode() != 409) {
                throw e;
            }
            // the schema appeared concurrently; declare the table in it
            try {
                client.addTable(databaseId, config.schema(), table);
            } catch (HotdataException again) {
                if (again.statusCode() != 409) {
                    throw again;
                }
                checkNotDeleted(config, table, again);
            }
        }
    }

    private static void checkNotDeleted(
            HotdataSinkConfig config, TableDeclaration table, HotdataException e)
            throws HotdataTargetException {
        if (HotdataErrorCodes.TABLE_DELETED.equals(e.errorCode())
                || (e.serverMessage() != null && e.serverMessage().contains("deleted"))) {
            throw new HotdataTargetException(
                    "Hotdata table "
                            + config.schema()
                            + "."
                            + table.name()
                            + " in database "
                            + databaseLabel(config)
                            + " was deleted; Hotdata keeps deleted table names reserved, so it"
                            + " cannot be created again. Choose another table name. Server: "
                            + e.serverMessage(),
                    e);
        }
    }

    private static String databaseLabel(HotdataSinkConfig config) {
        return config.databaseId() != null ? config.databaseId() : config.databaseName();
    }

    static TableDeclaration tableDeclaration(HotdataSinkConfig config) {
        List<PartitionKey> partitions = new ArrayList<>();
        for (HotdataTableLayout.PartitionKey key : config.layout().partitionBy()) {
            partitions.add(new PartitionKey(key.column(), key.transform()));
        }
        List<SortKey> sorts = new ArrayList<>();
        for (HotdataTableLayout.SortKey key : config.layout().sortedBy()) {
            sorts.add(new SortKey(key.column(), key.direction(), key.nulls()));
        }
        TableDeclaration.Builder builder = TableDeclaration.builder().name(config.table());
        if (!config.keyColumns().isEmpty()) {
            builder.key(config.keyColumns());
        }
        if (!partitions.isEmpty()) {
            builder.partitionBy(partitions);
        }
        if (!sorts.isEmpty()) {
            builder.sortedBy(sorts);
        }
        return builder.build();
    }
}
