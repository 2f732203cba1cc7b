package dev.hotdata.local.load;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Identifiers;
import dev.hotdata.local.api.Ids;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.api.ServerReadings;
import dev.hotdata.local.api.ServerSettings;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.catalog.Catalog;
import dev.hotdata.local.engine.DuckType;
import dev.hotdata.local.engine.Engine;
import dev.hotdata.local.fault.FaultInjector;
import dev.hotdata.local.fault.FaultRule;
import dev.hotdata.local.jobs.JobService;
import dev.hotdata.local.latency.RequestClass;
import dev.hotdata.local.store.ColumnRecord;
import dev.hotdata.local.store.DataLayout;
import dev.hotdata.local.store.DatabaseRecord;
import dev.hotdata.local.store.FileRecord;
import dev.hotdata.local.store.IdempotencyRecord;
import dev.hotdata.local.store.ResultRecord;
import dev.hotdata.local.store.SchemaRecord;
import dev.hotdata.local.store.StateStore;
import dev.hotdata.local.store.TableRecord;
import dev.hotdata.local.store.UploadRecord;
import dev.hotdata.local.upload.UploadService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Managed-table loads: validation, the write lock (per database or per table: {@link
 * ServerReadings#lockScope()}), the upload claim, the DuckDB work and the atomic publish of a new
 * table generation.
 */
public final class LoadService {
    private final StateStore store;
    private final DataLayout layout;
    private final Engine engine;
    private final UploadService uploads;
    private final JobService jobs;
    private final WriteLocks locks;
    private final ServerSettings settings;
    private final ScheduledExecutorService scheduler;
    private final ServerReadings readings;
    private final FaultInjector faults;
    private volatile boolean stopped;

    public LoadService(
            StateStore store,
            Engine engine,
            UploadService uploads,
            JobService jobs,
            WriteLocks locks,
            ServerSettings settings,
            ScheduledExecutorService scheduler,
            ServerReadings readings,
            FaultInjector faults) {
        this.store = store;
        this.layout = engine.layout();
        this.engine = engine;
        this.uploads = uploads;
        this.jobs = jobs;
        this.locks = locks;
        this.settings = settings;
        this.scheduler = scheduler;
        this.readings = readings;
        this.faults = faults;
    }

    /**
     * The server incarnation is stopping: loads cut by it must not consume their uploads (they fail
     * because their pools and engine go away, not because of their data).
     */
    public void stop() {
        stopped = true;
    }

    /** The answer to a load request: 200 with the load response, or 202 with a job. */
    public static final class Outcome {
        public final int status;
        public final ObjectNode body;

        /** True when answered from a consumed upload's receipt (nothing was applied). */
        public final boolean replayed;

        Outcome(int status, ObjectNode body) {
            this(status, body, false);
        }

        Outcome(int status, ObjectNode body, boolean replayed) {
            this.status = status;
            this.body = body;
            this.replayed = replayed;
        }
    }

    /** Target and parameters of one load, fixed before any work starts. */
    private static final class Plan {
        String ws;
        String databaseId;
        String connectionId;
        String schema;
        String table;
        LoadRequest req;
        List<String> key;
        UploadRecord upload;
        ResultRecord result;
        String idempotencyId;
        String dataHash;

        /** Fault {@code reapplyConsumedUploads}: the upload is consumed; load this file again. */
        boolean reapply;

        Path reapplySource;

        /** The table file published from the upload (recorded in the receipt). */
        String incomingPath;

        /** The write lock this load took (database or table, as the reading said then). */
        WriteLocks.Held lock;
    }

    /** {@code POST .../schemas/{s}/tables/{t}/loads} (database- or connection-scoped). */
    public Outcome load(
            String ws,
            String dbOrConnection,
            boolean byConnection,
            String rawSchema,
            String rawTable,
            JsonNode body) {
        Plan p = new Plan();
        p.ws = ws;
        p.schema = Identifiers.normalize("schema", rawSchema);
        p.table = Identifiers.normalize("table", rawTable);
        p.req = LoadRequest.parse(body, settings.inlineMaxBytes());
        boolean[] deleted = new boolean[1];
        boolean[] layoutNeverLoaded = new boolean[1];
        List<String> declaredKey =
                store.read(
                        st -> {
                            DatabaseRecord db =
                                    Catalog.resolve(st, ws, dbOrConnection, byConnection);
                            p.databaseId = db.id;
                            p.connectionId = db.connectionId;
                            SchemaRecord s = db.schemas.get(p.schema);
                            TableRecord t = s == null ? null : s.tables.get(p.table);
                            deleted[0] = t != null && t.deleted;
                            layoutNeverLoaded[0] =
                                    t != null
                                            && (!t.partitionBy.isEmpty() || !t.sortedBy.isEmpty())
                                            && t.columns.isEmpty();
                            return t == null || t.key == null ? null : new ArrayList<>(t.key);
                        });
        if (p.req.uploadId != null) {
            // a consumed upload answers from its receipt, whatever table / mode this load names
            UploadService.Receipt receipt = uploads.receipt(ws, p.req.uploadId);
            if (receipt != null) {
                Outcome answer = answerConsumed(p, receipt);
                if (answer != null) {
                    return answer;
                }
            }
        }
        if (deleted[0]) {
            throw ApiException.notFound(
                    "TABLE_DELETED",
                    "table '" + p.schema + "." + p.table + "' not found (the table was deleted)");
        }
        if (layoutNeverLoaded[0] && !"replace".equals(p.req.mode)) {
            // the dlt destination's README: a table with a layout takes 'replace' first
            throw ApiException.badRequest(
                    "BAD_REQUEST",
                    "table '"
                            + p.schema
                            + "."
                            + p.table
                            + "' declares partition_by / sorted_by: its first load must be a"
                            + " 'replace', not '"
                            + p.req.mode
                            + "'");
        }
        if (p.req.keyMode()) {
            if (p.req.key == null && declaredKey == null) {
                throw ApiException.badRequest(
                        "NO_DECLARED_KEY",
                        "mode '"
                                + p.req.mode
                                + "' needs a key but table '"
                                + p.schema
                                + "."
                                + p.table
                                + "' has no declared key and the load names none");
            }
            // a per-load key other than the table's is accepted and matches this load's rows by
            // it ("changing it re-targets which rows are matched", LoadManagedTableRequest.key);
            // the table's own key stays as it was
            p.key = p.req.key != null ? p.req.key : declaredKey;
        }
        if (p.req.resultId != null) {
            p.result =
                    store.read(
                            st -> {
                                ResultRecord r = st.results.get(p.req.resultId);
                                if (r == null
                                        || !r.workspaceId.equals(ws)
                                        || !r.databaseId.equals(p.databaseId)) {
                                    throw ApiException.notFound(
                                            "RESULT_NOT_FOUND",
                                            "result '"
                                                    + p.req.resultId
                                                    + "' not found in this database");
                                }
                                if (r.status.equals("failed")) {
                                    throw ApiException.conflict(
                                            "RESULT_FAILED",
                                            "result '" + r.id + "' failed: " + r.errorMessage);
                                }
                                if (!r.status.equals("ready")) {
                                    throw ApiException.conflict(
                                            "RESULT_NOT_READY",
                                            "result '" + r.id + "' is still being computed");
                                }
                                return r;
                            });
        }
        if (p.req.idempotencyKey != null) {
            p.idempotencyId =
                    p.databaseId + "|" + p.schema + "|" + p.table + "|" + p.req.idempotencyKey;
            p.dataHash = sha256(p.req.mode + "\n" + p.req.columns + "\n" + p.req.data);
            ObjectNode previous =
                    store.read(
                            st -> {
                                IdempotencyRecord rec = st.idempotency.get(p.idempotencyId);
                                if (rec == null) {
                                    return null;
                                }
                                if (!rec.dataHash.equals(p.dataHash)) {
                                    throw ApiException.conflict(
                                            "IDEMPOTENCY_KEY_CONFLICT",
                                            "idempotency_key was used with different data");
                                }
                                if (rec.running) {
                                    throw ApiException.conflict(
                                            "IDEMPOTENCY_KEY_IN_FLIGHT",
                                            "a load with this idempotency_key is running");
                                }
                                return (ObjectNode) rec.response.deepCopy();
                            });
            if (previous != null) {
                return new Outcome(200, previous);
            }
        }
        if (p.req.uploadId != null && !p.reapply) {
            p.upload = uploads.claim(ws, p.req.uploadId);
        }
        try {
            p.lock = locks.acquireOrConflict(p.databaseId, p.schema, p.table, readings.lockScope());
        } catch (ApiException e) {
            releaseClaims(p);
            // latency profile: the refusal's cost, holding nothing (the claim is given back)
            pauseLatency(RequestClass.LOAD_LOCKED);
            throw e;
        }
        if (p.idempotencyId != null) {
            try {
                store.write(
                        st -> {
                            if (st.idempotency.containsKey(p.idempotencyId)) {
                                throw ApiException.conflict(
                                        "IDEMPOTENCY_KEY_IN_FLIGHT",
                                        "a load with this idempotency_key is running");
                            }
                            IdempotencyRecord rec = new IdempotencyRecord();
                            rec.dataHash = p.dataHash;
                            rec.running = true;
                            st.idempotency.put(p.idempotencyId, rec);
                            return null;
                        });
            } catch (RuntimeException e) {
                locks.release(p.lock);
                releaseClaims(p);
                throw e;
            }
        }
        if (!p.req.async || p.result != null) {
            return new Outcome(200, runLocked(p));
        }
        JobService.Submitted job = jobs.submit(ws, "managed_load", () -> runLocked(p));
        if (p.req.asyncAfterMs != null) {
            try {
                return new Outcome(200, job.future.get(p.req.asyncAfterMs, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                // still running: answer 202 like the service
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException) {
                    throw (RuntimeException) e.getCause();
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ObjectNode out = Json.obj();
        out.put("id", job.id);
        out.put("status", "pending");
        out.put("status_url", "/v1/jobs/" + job.id);
        return new Outcome(202, out);
    }

    /**
     * A load naming a consumed upload: the receipt's answer (REPLAY), 409 {@code CONFLICT}
     * (CONFLICT), or null when the {@code reapplyConsumedUploads} fault makes it load again.
     */
    private Outcome answerConsumed(Plan p, UploadService.Receipt receipt) {
        if (receipt.status == 200 && receipt.file != null) {
            Path file = layout.resolve(receipt.file);
            if (Files.exists(file) && faults.takeReapplyConsumed()) {
                p.reapply = true;
                p.reapplySource = file;
                p.upload = store.read(st -> st.uploads.get(p.req.uploadId));
                return null;
            }
        }
        if (readings.uploadReuse() == UploadReuse.CONFLICT
                || receipt.status == 0
                || receipt.body == null) {
            throw ApiException.conflict(
                    "CONFLICT", "upload '" + p.req.uploadId + "' was already consumed by a load");
        }
        return new Outcome(receipt.status, receipt.body, true);
    }

    /**
     * Runs the load; always releases the lock. When the load fails, its upload is released, or
     * consumed with the failure as its receipt under {@code failedLoadConsumesUpload}.
     */
    private ObjectNode runLocked(Plan p) {
        boolean ok = false;
        try {
            // latency profile: the part of a load that holds the write lock (the live service
            // refuses a second writer with RESOURCE_LOCKED while a load runs)
            pauseLatency(RequestClass.LOAD_APPLY);
            if (p.upload != null && !p.reapply) {
                try {
                    faults.delayAfterClaim(
                            "/v1/databases/"
                                    + p.databaseId
                                    + "/schemas/"
                                    + p.schema
                                    + "/tables/"
                                    + p.table
                                    + "/loads");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted (server stopping)", e);
                }
                FaultRule rule = faults.takeFailAfterClaim();
                if (rule != null) {
                    throw new ApiException(
                            rule.status(),
                            rule.errorCode() != null ? rule.errorCode() : "INTERNAL",
                            "injected failure after the upload claim (hotdata-local)");
                }
            }
            ObjectNode out = execute(p);
            ok = true;
            return out;
        } catch (ApiException e) {
            if (p.upload != null
                    && !p.reapply
                    && !stopped
                    && e.status() >= 400
                    && readings.failedLoadConsumesUpload()) {
                ObjectNode body = Json.obj();
                ObjectNode err = body.putObject("error");
                err.put("code", e.code());
                err.put("message", e.getMessage());
                uploads.consumeFailed(p.upload.id, e.status(), body);
                p.upload = null; // consumed: nothing to release
            }
            throw e;
        } finally {
            locks.release(p.lock);
            if (!ok) {
                releaseClaims(p);
            }
        }
    }

    private void pauseLatency(RequestClass c) {
        try {
            settings.latency().pause(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted (server stopping)", e);
        }
    }

    private void releaseClaims(Plan p) {
        if (p.upload != null && !p.reapply) {
            uploads.release(p.upload.id);
        }
        if (p.idempotencyId != null) {
            store.write(
                    st -> {
                        IdempotencyRecord rec = st.idempotency.get(p.idempotencyId);
                        if (rec != null && rec.running) {
                            st.idempotency.remove(p.idempotencyId);
                        }
                        return null;
                    });
        }
    }

    // ---------------------------------------------------------------- the work

    private ObjectNode execute(Plan p) {
        TableRecord current =
                store.read(
                        st -> {
                            DatabaseRecord db = st.databases.get(p.databaseId);
                            SchemaRecord s = db == null ? null : db.schemas.get(p.schema);
                            TableRecord t = s == null ? null : s.tables.get(p.table);
                            TableRecord copy = Catalog.newTable(p.table);
                            if (t != null) {
                                copy.uid = t.uid;
                                copy.columns = new ArrayList<>(t.columns);
                                copy.files = new ArrayList<>(t.files);
                            }
                            return copy;
                        });
        Path tableDir = layout.tableDir(current.uid);
        List<Path> staged = new ArrayList<>();
        Path inlineFile = null;
        boolean ok = false;
        try (Connection c = engine.open()) {
            Files.createDirectories(tableDir);
            String format;
            Path source;
            if (p.reapply) {
                source = p.reapplySource;
                format = "parquet";
            } else if (p.upload != null) {
                source = uploads.dataFile(p.upload.id);
                format = p.req.format != null ? p.req.format : detectFormat(p.upload, source);
            } else if (p.result != null) {
                source = layout.resolve(p.result.path);
                format = "parquet";
            } else {
                inlineFile = layout.tmpDir().resolve("inline-" + Ids.random(12) + ".csv");
                Files.write(inlineFile, p.req.data.getBytes(StandardCharsets.UTF_8));
                source = inlineFile;
                format = "csv";
                if (p.req.columns != null) {
                    checkInlineHeader(p.req.data, p.req.columns);
                }
            }
            String srcRel = sourceRelation(source, format, p);
            List<ColumnRecord> incoming;
            try {
                incoming = Engine.describe(c, "SELECT * FROM " + srcRel);
            } catch (SQLException e) {
                throw ApiException.badRequest(
                        format.equals("parquet") ? "INVALID_PARQUET" : "INVALID_DATA",
                        "cannot read the " + format + " input: " + Engine.cleanMessage(e));
            }
            List<ColumnRecord> merged =
                    p.req.mode.equals("delete")
                            ? current.columns
                            : mergeColumns(current.columns, incoming, p);
            if (p.req.keyMode()) {
                checkKeys(c, p, srcRel, incoming, current.columns);
            }
            if (p.req.mode.equals("delete") && current.columns.isEmpty()) {
                // nothing loaded yet: nothing to delete, nothing to publish
                ObjectNode out = publish(p, current, current.columns, current.files, null);
                ok = true;
                return out;
            }

            // the incoming data as a table file: Parquet uploads as they are, the rest converted
            FileRecord incomingFile = null;
            Path incomingTarget = null;
            boolean needIncomingFile = !p.req.mode.equals("delete") && !p.req.mode.equals("update");
            if (needIncomingFile) {
                String name = "f-" + Ids.random(16) + ".parquet";
                incomingTarget = tableDir.resolve(name);
                incomingFile = new FileRecord();
                incomingFile.path = layout.relative(incomingTarget);
                p.incomingPath = incomingFile.path;
                for (ColumnRecord col : incoming) {
                    incomingFile.columns.add(col.name);
                }
                if (p.upload != null && format.equals("parquet")) {
                    incomingFile.rows = Engine.scalarLong(c, "SELECT count(*) FROM " + srcRel);
                } else {
                    copyTo(c, "SELECT * FROM " + srcRel, incomingTarget);
                    staged.add(incomingTarget);
                    incomingFile.rows = Engine.scalarLong(c, "SELECT count(*) FROM " + srcRel);
                    incomingTarget = null; // already in place
                }
            }
            String cur = engine.tableRelation(merged, current.files);
            List<FileRecord> files = new ArrayList<>();
            switch (p.req.mode) {
                case "replace":
                    files.add(incomingFile);
                    break;
                case "append":
                    files.addAll(current.files);
                    files.add(incomingFile);
                    break;
                case "upsert":
                    if (!current.files.isEmpty()) {
                        files.add(
                                writeGeneration(
                                        c,
                                        tableDir,
                                        merged,
                                        "SELECT * FROM ("
                                                + cur
                                                + ") t WHERE NOT EXISTS (SELECT 1 FROM "
                                                + srcRel
                                                + " i WHERE "
                                                + keyJoin(p.key)
                                                + ")",
                                        staged));
                    }
                    files.add(incomingFile);
                    break;
                case "update":
                    files.add(
                            writeGeneration(
                                    c,
                                    tableDir,
                                    merged,
                                    updateSql(cur, srcRel, merged, incoming, p.key),
                                    staged));
                    break;
                case "delete":
                    files.add(
                            writeGeneration(
                                    c,
                                    tableDir,
                                    merged,
                                    "SELECT * FROM ("
                                            + cur
                                            + ") t WHERE NOT EXISTS (SELECT 1 FROM "
                                            + srcRel
                                            + " i WHERE "
                                            + keyJoin(p.key)
                                            + ")",
                                    staged));
                    break;
                default:
                    throw new IllegalStateException(p.req.mode);
            }
            ObjectNode out = publish(p, current, merged, files, incomingTarget);
            ok = true;
            return out;
        } catch (SQLException e) {
            throw ApiException.badRequest("LOAD_FAILED", "load failed: " + Engine.cleanMessage(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!ok) {
                staged.forEach(DataLayout::deleteQuietly);
            }
            if (inlineFile != null) {
                DataLayout.deleteQuietly(inlineFile);
            }
        }
    }

    /**
     * The atomic step: links an uploaded Parquet file into the table directory (no copy, no
     * re-encoding) and swaps the table's metadata to the new generation in one state write.
     *
     * <p>A link, not a move: until the state write the upload must keep its bytes. A server killed
     * between a move and the state write lost the upload (the state still said "ready", the table
     * did not know the moved file, and the start-up sweep deleted it), so the retried load failed.
     * With a link the upload is intact until the state says it was consumed; an orphan link is
     * swept at start-up.
     */
    private ObjectNode publish(
            Plan p,
            TableRecord snapshot,
            List<ColumnRecord> columns,
            List<FileRecord> files,
            Path uploadTarget) {
        boolean moved = false;
        try {
            if (uploadTarget != null) {
                linkOrCopy(
                        p.reapply ? p.reapplySource : uploads.dataFile(p.upload.id), uploadTarget);
                moved = true;
            }
            if (settings.takeCrashBeforePublish()) {
                throw new SimulatedCrash(); // an Error: skips the clean-up below, like a kill
            }
            long rows = 0;
            for (FileRecord f : files) {
                rows += f.rows;
            }
            final long rowCount = rows;
            List<Path> garbage = new ArrayList<>();
            ObjectNode out =
                    store.write(
                            st -> {
                                DatabaseRecord db = st.databases.get(p.databaseId);
                                if (db == null) {
                                    throw ApiException.notFound(
                                            "DATABASE_NOT_FOUND",
                                            "database '" + p.databaseId + "' was deleted");
                                }
                                SchemaRecord s = db.schemas.get(p.schema);
                                TableRecord t = s == null ? null : s.tables.get(p.table);
                                if (t != null && t.deleted) {
                                    throw ApiException.notFound(
                                            "TABLE_DELETED",
                                            "table '" + p.schema + "." + p.table + "' was deleted");
                                }
                                boolean noop =
                                        p.req.mode.equals("delete") && snapshot.columns.isEmpty();
                                if (!noop) {
                                    if (s == null) {
                                        s = new SchemaRecord();
                                        s.name = p.schema;
                                        db.schemas.put(p.schema, s);
                                    }
                                    if (t == null) {
                                        t = Catalog.newTable(p.table);
                                        t.uid = snapshot.uid;
                                        s.tables.put(p.table, t);
                                    }
                                    Set<String> keep = new HashSet<>();
                                    for (FileRecord f : files) {
                                        keep.add(f.path);
                                    }
                                    for (FileRecord f : t.files) {
                                        if (!keep.contains(f.path)) {
                                            garbage.add(layout.resolve(f.path));
                                        }
                                    }
                                    t.columns = new ArrayList<>(columns);
                                    t.files = new ArrayList<>(files);
                                    t.rowCount = rowCount;
                                    t.synced = true;
                                    t.lastSync = Ids.now();
                                    t.generation++;
                                    if (t.key == null && p.key != null) {
                                        t.key = new ArrayList<>(p.key);
                                    }
                                }
                                ObjectNode o = Json.obj();
                                o.put("connection_id", p.connectionId);
                                o.put("schema_name", p.schema);
                                o.put("table_name", p.table);
                                o.put("row_count", noop ? 0 : rowCount);
                                o.put("arrow_schema_json", arrowSchemaJson(columns));
                                if (p.upload != null && !p.reapply) {
                                    // the receipt: a re-send of this upload answers this again
                                    uploads.consumeInState(
                                            st.uploads.get(p.upload.id),
                                            200,
                                            o,
                                            noop ? null : p.incomingPath);
                                }
                                if (p.idempotencyId != null) {
                                    IdempotencyRecord rec = st.idempotency.get(p.idempotencyId);
                                    rec.running = false;
                                    rec.response = o.deepCopy();
                                }
                                return o;
                            });
            if (p.upload != null && !p.reapply) {
                uploads.afterConsumed(p.upload.id);
            }
            layout.deleteLater(scheduler, garbage);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (moved) {
                DataLayout.deleteQuietly(uploadTarget); // the upload still has its own link
            }
            throw e;
        }
    }

    /** A hard link of {@code source} at {@code target}; a copy where links are not supported. */
    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(target)) {
                throw e instanceof IOException ? (IOException) e : new IOException(e);
            }
            Files.copy(source, target);
        }
    }

    // ---------------------------------------------------------------- schema and keys

    /**
     * Columns after the load: existing columns keep their place, a column may only widen (incoming
     * narrower or incompatible → 409), new columns are appended as nullable.
     */
    private static List<ColumnRecord> mergeColumns(
            List<ColumnRecord> current, List<ColumnRecord> incoming, Plan p) {
        List<ColumnRecord> merged = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (ColumnRecord c : current) {
            index.put(c.name.toLowerCase(Locale.ROOT), merged.size());
            merged.add(new ColumnRecord(c.name, c.type));
        }
        for (ColumnRecord in : incoming) {
            Integer i = index.get(in.name.toLowerCase(Locale.ROOT));
            if (i == null) {
                index.put(in.name.toLowerCase(Locale.ROOT), merged.size());
                merged.add(new ColumnRecord(in.name, in.type));
                continue;
            }
            ColumnRecord existing = merged.get(i);
            DuckType from = DuckType.parse(existing.type);
            DuckType to = DuckType.parse(in.type);
            if (DuckType.widensTo(from, to)) {
                existing.type = in.type;
            } else {
                throw ApiException.conflict(
                        "INCOMPATIBLE_SCHEMA",
                        "column '"
                                + in.name
                                + "' of table '"
                                + p.schema
                                + "."
                                + p.table
                                + "': cannot change type from "
                                + existing.type
                                + " to "
                                + in.type
                                + " (only widening is applied)");
            }
        }
        return merged;
    }

    private static void checkKeys(
            Connection c,
            Plan p,
            String srcRel,
            List<ColumnRecord> incoming,
            List<ColumnRecord> tableColumns)
            throws SQLException {
        Set<String> inNames = lowerNames(incoming);
        Set<String> tableNames = lowerNames(tableColumns);
        for (String k : p.key) {
            if (!inNames.contains(k.toLowerCase(Locale.ROOT))) {
                throw ApiException.badRequest(
                        "KEY_COLUMN_MISSING",
                        "key column '" + k + "' is missing from the load data");
            }
            if (!tableColumns.isEmpty() && !tableNames.contains(k.toLowerCase(Locale.ROOT))) {
                throw ApiException.badRequest(
                        "KEY_COLUMN_MISSING",
                        "key column '" + k + "' is not a column of the table");
            }
        }
        StringBuilder nulls = new StringBuilder();
        StringBuilder cols = new StringBuilder();
        for (String k : p.key) {
            if (nulls.length() > 0) {
                nulls.append(" OR ");
                cols.append(", ");
            }
            nulls.append(Identifiers.quote(k)).append(" IS NULL");
            cols.append(Identifiers.quote(k));
        }
        if (Engine.scalarLong(c, "SELECT count(*) FROM " + srcRel + " WHERE " + nulls) > 0) {
            throw ApiException.badRequest(
                    "NULL_KEY", "the load data has rows with a NULL key " + p.key);
        }
        long dups =
                Engine.scalarLong(
                        c,
                        "SELECT count(*) FROM (SELECT "
                                + cols
                                + " FROM "
                                + srcRel
                                + " GROUP BY "
                                + cols
                                + " HAVING count(*) > 1)");
        if (dups > 0) {
            throw ApiException.badRequest(
                    "DUPLICATE_KEY",
                    dups
                            + " key value(s) occur more than once in the load data (key "
                            + p.key
                            + ")");
        }
    }

    private static Set<String> lowerNames(List<ColumnRecord> cols) {
        Set<String> out = new HashSet<>();
        for (ColumnRecord c : cols) {
            out.add(c.name.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static String keyJoin(List<String> key) {
        StringBuilder sb = new StringBuilder();
        for (String k : key) {
            if (sb.length() > 0) {
                sb.append(" AND ");
            }
            String q = Identifiers.quote(k);
            sb.append("t.").append(q).append(" = i.").append(q);
        }
        return sb.toString();
    }

    /** Matched rows take the incoming value of every column the load carries; others stay. */
    private static String updateSql(
            String cur,
            String srcRel,
            List<ColumnRecord> merged,
            List<ColumnRecord> incoming,
            List<String> key) {
        Set<String> inNames = lowerNames(incoming);
        Set<String> keyNames = new HashSet<>();
        for (String k : key) {
            keyNames.add(k.toLowerCase(Locale.ROOT));
        }
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < merged.size(); i++) {
            ColumnRecord col = merged.get(i);
            String q = Identifiers.quote(col.name);
            String lower = col.name.toLowerCase(Locale.ROOT);
            if (i > 0) {
                sb.append(", ");
            }
            if (inNames.contains(lower) && !keyNames.contains(lower)) {
                sb.append("CASE WHEN i.\"__hd_matched\" THEN CAST(i.")
                        .append(q)
                        .append(" AS ")
                        .append(col.type)
                        .append(") ELSE t.")
                        .append(q)
                        .append(" END");
            } else {
                sb.append("t.").append(q);
            }
            sb.append(" AS ").append(q);
        }
        sb.append(" FROM (")
                .append(cur)
                .append(") t LEFT JOIN (SELECT *, true AS \"__hd_matched\" FROM ")
                .append(srcRel)
                .append(") i ON ")
                .append(keyJoin(key));
        return sb.toString();
    }

    private FileRecord writeGeneration(
            Connection c, Path tableDir, List<ColumnRecord> columns, String sql, List<Path> staged)
            throws SQLException {
        Path target = tableDir.resolve("g-" + Ids.random(16) + ".parquet");
        copyTo(c, sql, target);
        staged.add(target);
        FileRecord f = new FileRecord();
        f.path = layout.relative(target);
        for (ColumnRecord col : columns) {
            f.columns.add(col.name);
        }
        f.rows =
                Engine.scalarLong(
                        c,
                        "SELECT count(*) FROM read_parquet("
                                + Identifiers.literal(target.toAbsolutePath().toString())
                                + ")");
        return f;
    }

    private static void copyTo(Connection c, String sql, Path target) throws SQLException {
        Engine.exec(
                c,
                "COPY ("
                        + sql
                        + ") TO "
                        + Identifiers.literal(target.toAbsolutePath().toString())
                        + " (FORMAT parquet)");
    }

    // ---------------------------------------------------------------- sources

    private static String sourceRelation(Path source, String format, Plan p) {
        String path = Identifiers.literal(source.toAbsolutePath().toString());
        String gzip =
                p.upload != null && "gzip".equalsIgnoreCase(p.upload.contentEncoding)
                        ? ", compression='gzip'"
                        : "";
        switch (format) {
            case "parquet":
                return "read_parquet(" + path + ")";
            case "json":
                return "read_json(" + path + ", format='newline_delimited'" + gzip + ")";
            default:
                if (p.req.columns != null) {
                    StringBuilder cols = new StringBuilder("{");
                    for (Map.Entry<String, String> e : p.req.columns.entrySet()) {
                        if (cols.length() > 1) {
                            cols.append(", ");
                        }
                        cols.append(Identifiers.literal(e.getKey()))
                                .append(": ")
                                .append(Identifiers.literal(e.getValue()));
                    }
                    cols.append('}');
                    return "read_csv(" + path + ", header=true, columns=" + cols + ")";
                }
                return "read_csv(" + path + ", header=true, auto_detect=true" + gzip + ")";
        }
    }

    /** Inline {@code columns} must name every CSV column, in header order. */
    private static void checkInlineHeader(String data, Map<String, String> columns) {
        int nl = data.indexOf('\n');
        String header = (nl < 0 ? data : data.substring(0, nl)).replace("\r", "");
        List<String> names = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char ch = header.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < header.length() && header.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == ',' && !quoted) {
                names.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        names.add(cur.toString());
        if (!names.equals(new ArrayList<>(columns.keySet()))) {
            throw ApiException.badRequest(
                    "INVALID_COLUMNS",
                    "'columns' must name every CSV column in header order; header is " + names);
        }
    }

    private static String detectFormat(UploadRecord u, Path file) throws IOException {
        String ct = u.contentType == null ? "" : u.contentType.toLowerCase(Locale.ROOT);
        if (ct.contains("parquet")) {
            return "parquet";
        }
        if (ct.contains("csv")) {
            return "csv";
        }
        if (ct.contains("json")) {
            return "json";
        }
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
            return "parquet";
        }
        if (n > 0 && (head[0] == '{' || head[0] == '[')) {
            return "json";
        }
        return "csv";
    }

    // ---------------------------------------------------------------- helpers

    /** The table schema as arrow-rs serde JSON (clients treat it as opaque). */
    public static String arrowSchemaJson(List<ColumnRecord> columns) {
        ObjectNode schema = Json.obj();
        ArrayNode fields = schema.putArray("fields");
        for (ColumnRecord c : columns) {
            ObjectNode f = fields.addObject();
            f.put("name", c.name);
            f.put("data_type", DuckType.parse(c.type).arrowName());
            f.put("nullable", true);
            f.put("dict_id", 0);
            f.put("dict_is_ordered", false);
            f.set("metadata", Json.obj());
        }
        schema.set("metadata", Json.obj());
        return Json.string(schema);
    }

    private static String sha256(String s) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fault: the server "dies" at this point; nothing is cleaned up and nothing answered. */
    public static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash before the state write of a load", null, false, false);
        }
    }
}
