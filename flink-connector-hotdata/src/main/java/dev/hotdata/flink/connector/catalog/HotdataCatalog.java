package dev.hotdata.flink.connector.catalog;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.ColumnInfo;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.FinalizedUpload;
import dev.hotdata.flink.connector.client.model.InformationSchemaPage;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.PartitionKey;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.client.model.TableInfo;
import dev.hotdata.flink.connector.format.HotdataTypeSupport;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.flink.connector.sink.HotdataEmptyUpload;
import dev.hotdata.flink.connector.sink.HotdataTableRegistry;
import dev.hotdata.flink.connector.source.HotdataTypeMapping;
import dev.hotdata.flink.connector.table.HotdataConnectorOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.AbstractCatalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.CatalogFunction;
import org.apache.flink.table.catalog.CatalogPartition;
import org.apache.flink.table.catalog.CatalogPartitionSpec;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.TableChange;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.FunctionNotExistException;
import org.apache.flink.table.catalog.exceptions.PartitionNotExistException;
import org.apache.flink.table.catalog.exceptions.TableAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.catalog.stats.CatalogColumnStatistics;
import org.apache.flink.table.catalog.stats.CatalogTableStatistics;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.table.factories.Factory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hotdata's databases and tables as a Flink catalog: {@code SHOW DATABASES}, {@code SHOW TABLES},
 * {@code SELECT * FROM hd.sales.orders} and {@code INSERT INTO hd.sales.orders} with no DDL.
 *
 * <p>Flink databases are Hotdata databases, by name when the name is unique in the workspace and by
 * id otherwise (both are accepted). Tables are those of one Hotdata schema ({@code public} unless
 * configured). Columns map back from Hotdata's Arrow types. A table's key becomes its PRIMARY KEY,
 * so writes through the catalog upsert: the key the listing reports when the server sends one, else
 * the key recorded in the schema's {@code _flink_tables} (by sinks, {@code CREATE TABLE} and {@code
 * ALTER TABLE ... PRIMARY KEY}); Hotdata's public listing has no key. Without either, writes
 * append.
 *
 * <p>An API key given to the catalog is not put into the tables' options: the catalog's table
 * factory adds it when a source or sink is planned, so {@code SHOW CREATE TABLE} never prints it.
 *
 * <p>{@code CREATE TABLE} declares the table in Hotdata (key from the PRIMARY KEY, partitioning
 * from PARTITIONED BY) and gives it its columns. {@code ALTER TABLE ... ADD / MODIFY / DROP PRIMARY
 * KEY} records a key for a table that another tool created. {@code DROP TABLE} is refused: deleting
 * a Hotdata table reserves its name forever. Other changes are not supported.
 */
@PublicEvolving
public class HotdataCatalog extends AbstractCatalog {

    private final HotdataClientConfig clientConfig;
    private final String schema;
    private final Map<String, String> tableOptions;
    private final String apiKey;
    private HotdataClient client;

    /**
     * @param tableOptions connection options to put into every table's options (for example the
     *     endpoint); never the API key
     * @param apiKey the key given to the catalog, added to tables' options at planning time only;
     *     null when the environment's key applies
     */
    public HotdataCatalog(
            String name,
            String defaultDatabase,
            HotdataClientConfig clientConfig,
            String schema,
            Map<String, String> tableOptions,
            String apiKey) {
        super(name, defaultDatabase);
        this.clientConfig = clientConfig;
        this.schema = schema;
        this.tableOptions = new HashMap<>(tableOptions);
        this.tableOptions.remove(HotdataConnectorOptions.API_KEY.key());
        this.apiKey = apiKey;
    }

    @Override
    public Optional<Factory> getFactory() {
        return Optional.of(new HotdataCatalogTableFactory(apiKey));
    }

    @Override
    public void open() throws CatalogException {
        try {
            // the catalog connects from the process that uses it: it reads that environment
            client = new HotdataClient(clientConfig);
        } catch (IllegalStateException e) {
            throw new CatalogException(
                    "Cannot open the Hotdata catalog " + getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws CatalogException {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private HotdataClient client() {
        if (client == null) {
            open();
        }
        return client;
    }

    // ------------------------------------------------------------------------------------
    // databases

    @Override
    public List<String> listDatabases() throws CatalogException {
        List<DatabaseSummary> all = call(() -> client().listAllDatabases(null));
        Map<String, Long> counts =
                all.stream()
                        .collect(
                                Collectors.groupingBy(
                                        DatabaseSummary::name, Collectors.counting()));
        List<String> names = new ArrayList<>();
        for (DatabaseSummary db : all) {
            names.add(counts.get(db.name()) == 1 ? db.name() : db.id());
        }
        Collections.sort(names);
        return names;
    }

    /** The database a Flink database name stands for: a unique name, or an id. */
    private Optional<DatabaseInfo> resolve(String databaseName) {
        List<DatabaseSummary> all = call(() -> client().listAllDatabases(null));
        List<DatabaseSummary> byName =
                all.stream()
                        .filter(d -> databaseName.equals(d.name()))
                        .collect(Collectors.toList());
        if (byName.size() == 1) {
            return Optional.of(call(() -> client().getDatabase(byName.get(0).id())));
        }
        for (DatabaseSummary d : all) {
            if (d.id().equals(databaseName)) {
                return Optional.of(call(() -> client().getDatabase(d.id())));
            }
        }
        return Optional.empty();
    }

    private DatabaseInfo require(String databaseName) throws DatabaseNotExistException {
        return resolve(databaseName)
                .orElseThrow(() -> new DatabaseNotExistException(getName(), databaseName));
    }

    @Override
    public CatalogDatabase getDatabase(String databaseName)
            throws DatabaseNotExistException, CatalogException {
        DatabaseInfo db = require(databaseName);
        Map<String, String> properties = new HashMap<>();
        properties.put("id", db.id());
        properties.put("name", db.name());
        return new CatalogDatabaseImpl(properties, "Hotdata database " + db.name());
    }

    @Override
    public boolean databaseExists(String databaseName) throws CatalogException {
        return resolve(databaseName).isPresent();
    }

    @Override
    public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists) {
        throw unsupported("CREATE DATABASE (sinks create databases on first use)");
    }

    @Override
    public void dropDatabase(String name, boolean ignoreIfNotExists, boolean cascade) {
        throw unsupported("DROP DATABASE");
    }

    @Override
    public void alterDatabase(String name, CatalogDatabase newDatabase, boolean ignoreIfNotExists) {
        throw unsupported("ALTER DATABASE");
    }

    // ------------------------------------------------------------------------------------
    // tables

    private List<TableInfo> tables(DatabaseInfo db, String table, boolean columns) {
        List<TableInfo> out = new ArrayList<>();
        InformationSchemaRequest request =
                InformationSchemaRequest.builder()
                        .connectionId(db.defaultConnectionId())
                        .schema(schema)
                        .table(table)
                        .includeColumns(columns)
                        .limit(1000)
                        .build();
        InformationSchemaRequest[] next = {request};
        while (true) {
            InformationSchemaPage page = call(() -> client().informationSchema(next[0]));
            out.addAll(page.tables());
            if (!page.hasMore() || page.nextCursor() == null) {
                return out;
            }
            next[0] = next[0].withCursor(page.nextCursor());
        }
    }

    @Override
    public List<String> listTables(String databaseName)
            throws DatabaseNotExistException, CatalogException {
        DatabaseInfo db = require(databaseName);
        return tables(db, null, false).stream()
                .map(TableInfo::table)
                .filter(t -> !t.startsWith("_flink_stage_"))
                .filter(t -> !HotdataTableRegistry.isRegistry(t))
                .sorted()
                .collect(Collectors.toList());
    }

    @Override
    public List<String> listViews(String databaseName) {
        return Collections.emptyList();
    }

    @Override
    public CatalogBaseTable getTable(ObjectPath tablePath)
            throws TableNotExistException, CatalogException {
        DatabaseInfo db =
                resolve(tablePath.getDatabaseName())
                        .orElseThrow(() -> new TableNotExistException(getName(), tablePath));
        TableInfo info = table(db, tablePath);
        Schema.Builder columns = Schema.newBuilder();
        HotdataTableRegistry.Entry recorded =
                hasListedKey(info) ? null : recorded(db, info.table());
        List<String> key =
                hasListedKey(info)
                        ? info.key()
                        : recorded == null ? Collections.emptyList() : recorded.key();
        if (!info.columns().isEmpty()) {
            requireColumns(db, info, key, hasListedKey(info) ? "the server reports" : "recorded");
        }
        if (info.columns() != null) {
            for (ColumnInfo column : info.columns()) {
                DataType type = HotdataTypeMapping.toFlink(column.dataType());
                columns.column(column.name(), key.contains(column.name()) ? type.notNull() : type);
            }
        }
        if (!key.isEmpty() && info.columns() != null && !info.columns().isEmpty()) {
            columns.primaryKey(key); // keyed writes through the catalog upsert
        }
        List<String> partitionKeys = new ArrayList<>();
        List<PartitionKey> partitioning =
                info.partitionBy().isEmpty() && recorded != null
                        ? recorded.partitionBy()
                        : info.partitionBy();
        for (PartitionKey partition : partitioning) {
            if (PartitionKey.IDENTITY.equals(partition.transform())) {
                partitionKeys.add(partition.column());
            }
        }
        Map<String, String> options = new HashMap<>(tableOptions);
        options.put("connector", "hotdata");
        options.put(HotdataConnectorOptions.DATABASE_ID.key(), db.id());
        options.put(HotdataConnectorOptions.SCHEMA.key(), schema);
        options.put(HotdataConnectorOptions.TABLE.key(), info.table());
        return CatalogTable.newBuilder()
                .schema(columns.build())
                .comment("Hotdata table " + db.name() + "." + schema + "." + info.table())
                .partitionKeys(partitionKeys)
                .options(options)
                .build();
    }

    private TableInfo table(DatabaseInfo db, ObjectPath tablePath) throws TableNotExistException {
        String name = tablePath.getObjectName();
        return tables(db, name, true).stream()
                .filter(t -> t.table().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> new TableNotExistException(getName(), tablePath));
    }

    /**
     * Whether the listing reports the table's key. Hotdata's public listing never does (no {@code
     * key} in {@code TableInfo}); when a server does, its key is the one its keyed loads match by,
     * so it wins over a recorded one.
     */
    private static boolean hasListedKey(TableInfo info) {
        return info.key() != null && !info.key().isEmpty();
    }

    private HotdataTableRegistry registry(DatabaseInfo db) {
        return new HotdataTableRegistry(client(), db.id(), schema);
    }

    /** What {@code _flink_tables} records for the table, or null (no row, no registry). */
    private HotdataTableRegistry.Entry recorded(DatabaseInfo db, String table) {
        Map<String, HotdataTableRegistry.Entry> entries = call(() -> registry(db).read(table));
        if (entries != null) {
            return entries.get(table.toLowerCase());
        }
        // refused: expected while no key was ever recorded, an error once the registry exists
        boolean exists =
                tables(db, HotdataTableRegistry.TABLE, false).stream()
                        .anyMatch(t -> HotdataTableRegistry.isRegistry(t.table()));
        if (exists) {
            throw new CatalogException(
                    "Could not read the key of Hotdata table "
                            + describe(db, table)
                            + " from "
                            + describe(db, HotdataTableRegistry.TABLE)
                            + ": the server refused the query.");
        }
        return null;
    }

    private void requireColumns(DatabaseInfo db, TableInfo info, List<String> key, String source) {
        Set<String> names = new LinkedHashSet<>();
        for (ColumnInfo column : info.columns()) {
            names.add(column.name());
        }
        for (String column : key) {
            if (!names.contains(column)) {
                throw new CatalogException(
                        "Hotdata table "
                                + describe(db, info.table())
                                + " has no column '"
                                + column
                                + "', which is in the key "
                                + source
                                + " for it "
                                + key
                                + "; its columns are "
                                + names
                                + ". Write the table once with a sink that declares the right"
                                + " PRIMARY KEY to record it again.");
            }
        }
    }

    private String describe(DatabaseInfo db, String table) {
        return db.name() + "." + schema + "." + table;
    }

    @Override
    public boolean tableExists(ObjectPath tablePath) throws CatalogException {
        Optional<DatabaseInfo> db = resolve(tablePath.getDatabaseName());
        return db.isPresent()
                && tables(db.get(), tablePath.getObjectName(), false).stream()
                        .anyMatch(t -> t.table().equalsIgnoreCase(tablePath.getObjectName()));
    }

    @Override
    public void dropTable(ObjectPath tablePath, boolean ignoreIfNotExists) {
        throw new CatalogException(
                "DROP TABLE "
                        + tablePath.getFullName()
                        + " is refused: deleting a Hotdata table keeps its name reserved forever."
                        + " To empty it, write an empty result with INSERT OVERWRITE.");
    }

    @Override
    public void renameTable(ObjectPath tablePath, String newTableName, boolean ignoreIfNotExists) {
        throw unsupported("RENAME TABLE");
    }

    /**
     * Declares the table in Hotdata (key, partitioning) and gives it its columns with an empty
     * Parquet load, so that it can be read and written at once.
     */
    @Override
    public void createTable(ObjectPath tablePath, CatalogBaseTable table, boolean ignoreIfExists)
            throws TableAlreadyExistException, DatabaseNotExistException, CatalogException {
        if (HotdataTableRegistry.isRegistry(tablePath.getObjectName())) {
            throw new CatalogException(
                    "The table name "
                            + tablePath.getFullName()
                            + " is reserved for the table keys Flink records; choose another.");
        }
        DatabaseInfo db = require(tablePath.getDatabaseName());
        if (tableExists(tablePath)) {
            if (ignoreIfExists) {
                return;
            }
            throw new TableAlreadyExistException(getName(), tablePath);
        }
        if (!(table instanceof ResolvedCatalogTable)) {
            throw new CatalogException("Only tables can be created in a Hotdata catalog.");
        }
        ResolvedCatalogTable resolved = (ResolvedCatalogTable) table;
        RowType rowType =
                (RowType) resolved.getResolvedSchema().toPhysicalRowDataType().getLogicalType();
        HotdataTypeSupport.validate(rowType);
        TableDeclaration.Builder declaration =
                TableDeclaration.builder().name(tablePath.getObjectName().toLowerCase());
        resolved.getResolvedSchema()
                .getPrimaryKey()
                .ifPresent(pk -> declaration.key(pk.getColumns()));
        if (!resolved.getPartitionKeys().isEmpty()) {
            List<PartitionKey> partitions = new ArrayList<>();
            for (String column : resolved.getPartitionKeys()) {
                partitions.add(new PartitionKey(column, PartitionKey.IDENTITY));
            }
            declaration.partitionBy(partitions);
        }
        TableDeclaration decl = declaration.build();
        try {
            client().addTable(db.id(), schema, decl);
        } catch (HotdataException e) {
            if (e.statusCode() != 404) {
                throw new CatalogException(e.getMessage(), e);
            }
            call(
                    () ->
                            client().addSchema(
                                            db.id(),
                                            new SchemaDeclaration(
                                                    schema, Collections.singletonList(decl))));
        }
        loadEmptyFile(db.id(), decl.name(), rowType);
        if (decl.key() != null || !decl.partitionBy().isEmpty()) {
            // the public table listing does not report keys: record it where getTable reads it
            call(
                    () -> {
                        registry(db).record(HotdataTableRegistry.Entry.of(decl), Instant.now());
                        return null;
                    });
        }
    }

    private void loadEmptyFile(String databaseId, String table, RowType rowType) {
        FinalizedUpload upload;
        try {
            upload =
                    HotdataEmptyUpload.upload(
                            client(), rowType, ParquetWriterOptions.builder().build());
        } catch (HotdataException e) {
            throw new CatalogException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CatalogException("Could not give table " + table + " its columns", e);
        }
        call(
                () ->
                        client().load(
                                        databaseId,
                                        schema,
                                        table,
                                        LoadRequest.builder()
                                                // a new table's first load: 'replace' is
                                                // what a table with a layout requires
                                                .mode(LoadMode.REPLACE)
                                                .uploadId(upload.uploadId())
                                                .build()));
    }

    @Override
    public void alterTable(
            ObjectPath tablePath, CatalogBaseTable newTable, boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE");
    }

    /**
     * {@code ALTER TABLE ... ADD PRIMARY KEY (...) NOT ENFORCED} (also {@code MODIFY} and {@code
     * DROP}) records the key in {@code _flink_tables}, for a table that another tool created:
     * Hotdata cannot change a table's declared key, and its public listing does not report one.
     * Refused when the server reports a different key. Other changes are not supported.
     */
    @Override
    public void alterTable(
            ObjectPath tablePath,
            CatalogBaseTable newTable,
            List<TableChange> tableChanges,
            boolean ignoreIfNotExists)
            throws TableNotExistException, CatalogException {
        List<String> newKey = keyChange(tablePath, tableChanges);
        Optional<DatabaseInfo> found = resolve(tablePath.getDatabaseName());
        if (!found.isPresent()) {
            if (ignoreIfNotExists) {
                return;
            }
            throw new TableNotExistException(getName(), tablePath);
        }
        DatabaseInfo db = found.get();
        TableInfo info;
        try {
            info = table(db, tablePath);
        } catch (TableNotExistException e) {
            if (ignoreIfNotExists) {
                return;
            }
            throw e;
        }
        if (hasListedKey(info) && !info.key().equals(newKey)) {
            throw new CatalogException(
                    "Hotdata table "
                            + describe(db, info.table())
                            + " has the key "
                            + info.key()
                            + " on the server, which cannot be changed to "
                            + newKey
                            + ".");
        }
        requireColumns(db, info, newKey, "given");
        HotdataTableRegistry.Entry current = recorded(db, info.table());
        HotdataTableRegistry.Entry next =
                current != null
                        ? current.withKey(newKey)
                        : new HotdataTableRegistry.Entry(
                                info.table(), newKey, info.partitionBy(), info.sortedBy());
        call(
                () -> {
                    registry(db).record(next, Instant.now());
                    return null;
                });
    }

    /** The key a list of changes leaves the table with; only key changes are supported. */
    private List<String> keyChange(ObjectPath tablePath, List<TableChange> changes) {
        List<String> key = null;
        for (TableChange change : changes) {
            if (change instanceof TableChange.AddUniqueConstraint) {
                key = ((TableChange.AddUniqueConstraint) change).getConstraint().getColumns();
            } else if (change instanceof TableChange.ModifyUniqueConstraint) {
                key = ((TableChange.ModifyUniqueConstraint) change).getNewConstraint().getColumns();
            } else if (change instanceof TableChange.DropConstraint) {
                key = Collections.emptyList();
            } else if (!isNullabilityOnly(change)) {
                throw unsupported(
                        "ALTER TABLE "
                                + tablePath.getFullName()
                                + " other than ADD / MODIFY / DROP PRIMARY KEY ("
                                + change
                                + ")");
            }
        }
        if (key == null) {
            throw unsupported(
                    "ALTER TABLE "
                            + tablePath.getFullName()
                            + " other than ADD / MODIFY / DROP PRIMARY KEY");
        }
        return key;
    }

    /** A key column made NOT NULL, which Flink may send along with a new PRIMARY KEY. */
    private static boolean isNullabilityOnly(TableChange change) {
        if (!(change instanceof TableChange.ModifyColumn)) {
            return false;
        }
        TableChange.ModifyColumn modify = (TableChange.ModifyColumn) change;
        return modify.getNewPosition() == null
                && modify.getOldColumn().getName().equals(modify.getNewColumn().getName())
                && modify.getOldColumn()
                        .getDataType()
                        .getLogicalType()
                        .copy(true)
                        .equals(modify.getNewColumn().getDataType().getLogicalType().copy(true));
    }

    // ------------------------------------------------------------------------------------
    // partitions, functions, statistics: none

    @Override
    public List<CatalogPartitionSpec> listPartitions(ObjectPath tablePath) {
        return Collections.emptyList();
    }

    @Override
    public List<CatalogPartitionSpec> listPartitions(
            ObjectPath tablePath, CatalogPartitionSpec partitionSpec) {
        return Collections.emptyList();
    }

    @Override
    public List<CatalogPartitionSpec> listPartitionsByFilter(
            ObjectPath tablePath, List<Expression> filters) {
        return Collections.emptyList();
    }

    @Override
    public CatalogPartition getPartition(ObjectPath tablePath, CatalogPartitionSpec partitionSpec)
            throws PartitionNotExistException {
        throw new PartitionNotExistException(getName(), tablePath, partitionSpec);
    }

    @Override
    public boolean partitionExists(ObjectPath tablePath, CatalogPartitionSpec partitionSpec) {
        return false;
    }

    @Override
    public void createPartition(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogPartition partition,
            boolean ignoreIfExists) {
        throw unsupported("CREATE PARTITION");
    }

    @Override
    public void dropPartition(
            ObjectPath tablePath, CatalogPartitionSpec partitionSpec, boolean ignoreIfNotExists) {
        throw unsupported("DROP PARTITION");
    }

    @Override
    public void alterPartition(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogPartition newPartition,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER PARTITION");
    }

    @Override
    public List<String> listFunctions(String dbName) {
        return Collections.emptyList();
    }

    @Override
    public CatalogFunction getFunction(ObjectPath functionPath) throws FunctionNotExistException {
        throw new FunctionNotExistException(getName(), functionPath);
    }

    @Override
    public boolean functionExists(ObjectPath functionPath) {
        return false;
    }

    @Override
    public void createFunction(
            ObjectPath functionPath, CatalogFunction function, boolean ignoreIfExists) {
        throw unsupported("CREATE FUNCTION");
    }

    @Override
    public void alterFunction(
            ObjectPath functionPath, CatalogFunction newFunction, boolean ignoreIfNotExists) {
        throw unsupported("ALTER FUNCTION");
    }

    @Override
    public void dropFunction(ObjectPath functionPath, boolean ignoreIfNotExists) {
        throw unsupported("DROP FUNCTION");
    }

    @Override
    public CatalogTableStatistics getTableStatistics(ObjectPath tablePath) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getTableColumnStatistics(ObjectPath tablePath) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public CatalogTableStatistics getPartitionStatistics(
            ObjectPath tablePath, CatalogPartitionSpec partitionSpec) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getPartitionColumnStatistics(
            ObjectPath tablePath, CatalogPartitionSpec partitionSpec) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public void alterTableStatistics(
            ObjectPath tablePath,
            CatalogTableStatistics tableStatistics,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE statistics");
    }

    @Override
    public void alterTableColumnStatistics(
            ObjectPath tablePath,
            CatalogColumnStatistics columnStatistics,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE statistics");
    }

    @Override
    public void alterPartitionStatistics(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogTableStatistics partitionStatistics,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER PARTITION statistics");
    }

    @Override
    public void alterPartitionColumnStatistics(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogColumnStatistics columnStatistics,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER PARTITION statistics");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(
                what + " is not supported by the Hotdata catalog " + getName() + ".");
    }

    /** A Hotdata call whose failure is a {@link CatalogException} with the server's message. */
    private interface Call<T> {
        T run() throws HotdataException;
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (HotdataException e) {
            throw new CatalogException(e.getMessage(), e);
        }
    }
}
