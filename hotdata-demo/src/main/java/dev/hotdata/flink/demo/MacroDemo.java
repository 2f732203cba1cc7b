package dev.hotdata.flink.demo;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.TableDeclaration;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The macro-economic demo: nine FRED series, read from CSV files by Flink's filesystem source,
 * written by a Flink SQL batch job on a local MiniCluster into the Hotdata database {@code
 * example_macro} through {@code 'connector' = 'hotdata'} tables, then queried back.
 *
 * <p>Run with {@code ./demo.sh} from the repository root ({@code --help} for the options).
 */
public final class MacroDemo {

    /** System property naming the log file (WARN and above; see log4j2.properties). */
    public static final String LOG_FILE_PROPERTY = "hotdata.demo.log";

    /** Upper bound on the job's run time before the demo gives up waiting. */
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(30);

    private static final long POLL_MILLIS = 500;

    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    /** A demo printing its progress to {@code out}. */
    public MacroDemo(PrintStream out) {
        this.out = out;
    }

    /** Command-line entry point. */
    public static void main(String[] args) {
        // before anything touches log4j: Flink's and hotdata-local's logs go to this file
        if (System.getProperty(LOG_FILE_PROPERTY) == null) {
            System.setProperty(
                    LOG_FILE_PROPERTY,
                    Paths.get(System.getProperty("java.io.tmpdir"), "hotdata-demo", "demo.log")
                            .toString());
        }
        PrintStream out = System.out;
        DemoOptions options;
        try {
            options = DemoOptions.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println();
            System.err.print(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            out.print(DemoOptions.USAGE);
            return;
        }
        int status = 0;
        DemoTarget target = null;
        try {
            target = chooseTarget(options, System.getenv(), out);
            Summary summary = new MacroDemo(out).run(options, target);
            if (!summary.countsMatch()) {
                status = 3;
            }
            if (options.serve() && target.embeddedServer() != null) {
                serveUntilStopped(out, target);
            }
        } catch (Exception e) {
            out.println();
            out.println("The demo failed: " + FredInput.describe(rootCause(e)));
            out.println(
                    "Flink's and hotdata-local's log: " + System.getProperty(LOG_FILE_PROPERTY));
            status = 1;
        } finally {
            if (target != null) {
                target.close();
            }
        }
        // Flink's and DuckDB's non-daemon threads must not keep the JVM alive
        System.exit(status);
    }

    /**
     * The real Hotdata when {@code HOTDATA_API_KEY} and {@code HOTDATA_WORKSPACE} are set (unless
     * {@code --local}), else an embedded hotdata-local over {@code --data-dir}.
     */
    static DemoTarget chooseTarget(DemoOptions options, Map<String, String> env, PrintStream out)
            throws IOException {
        if (!options.forceLocal() && DemoTarget.environmentHasCredentials(env)) {
            return DemoTarget.fromEnvironment(env);
        }
        boolean partial =
                notBlank(env.get(HotdataClientConfig.ENV_API_KEY))
                        || notBlank(env.get(HotdataClientConfig.ENV_WORKSPACE));
        if (partial && !options.forceLocal()) {
            out.println(
                    "Note: only one of HOTDATA_API_KEY and HOTDATA_WORKSPACE is set; both are"
                            + " needed for the real Hotdata. Using the embedded hotdata-local.");
        }
        return DemoTarget.embedded(options.dataDir());
    }

    /**
     * Runs the demo against {@code target}: prepares the input, makes sure the database exists,
     * runs the job while printing its commits, and prints what Hotdata holds afterwards.
     */
    public Summary run(DemoOptions options, DemoTarget target) throws Exception {
        out.println(
                "Hotdata macro demo: 9 FRED series -> Flink SQL ('connector' = 'hotdata') -> Hotdata");
        out.println();

        Path inputDir = Files.createTempDirectory("hotdata-demo-input");
        try {
            FredInput input =
                    options.download()
                            ? downloadInput(options, inputDir)
                            : FredInput.fromSnapshot(inputDir);
            printInput(input);

            out.println("Target:   " + target.description());
            try (HotdataClient client = new HotdataClient(target.clientConfig())) {
                String databaseId = ensureDatabase(client, options.database());
                out.println();

                TableEnvironment tEnv = MacroPipeline.createTableEnvironment();
                out.println(
                        "Flink:    batch job on a local MiniCluster, parallelism "
                                + MacroPipeline.PARALLELISM
                                + ", write mode '"
                                + MacroPipeline.WRITE_MODE
                                + "'; Flink logs (WARN and above) go to "
                                + logFile());
                out.println();
                out.println("  " + indent(MacroPipeline.insertRaw()) + ";");
                out.println("  " + indent(MacroPipeline.insertWide()) + ";");
                out.println();

                TableResult result =
                        MacroPipeline.plan(
                                        tEnv,
                                        input.directory(),
                                        target.connectionOptions(),
                                        databaseId)
                                .execute();
                awaitJob(result, client, databaseId);
                out.println();
                return report(
                        client,
                        tEnv,
                        options.database(),
                        databaseId,
                        input,
                        target,
                        options.serve());
            }
        } finally {
            deleteRecursively(inputDir);
        }
    }

    private FredInput downloadInput(DemoOptions options, Path inputDir) throws IOException {
        out.println("Input:    downloading from FRED (" + options.fredUrl() + ")");
        return FredInput.downloadOrSnapshot(options.fredUrl(), inputDir, out);
    }

    private void printInput(FredInput input) {
        out.println("Input:    " + input.origin());
        for (Map.Entry<FredSeries, FredInput.SeriesSummary> e : input.series().entrySet()) {
            FredInput.SeriesSummary s = e.getValue();
            out.printf(
                    "  %-13s %6d observations  %s .. %s  %s%n",
                    e.getKey().name(), s.rows(), s.first(), s.last(), e.getKey().units());
        }
        out.printf(
                "  %-13s %6d observations (missing values, '.' in FRED's files, are left out)%n",
                "total", input.totalRows());
        out.println();
    }

    /**
     * The id of the database named {@code database} ({@link MacroPipeline#DATABASE} unless {@code
     * --database}), created when missing. Resolved here, once, so both tables of the job address it
     * by id.
     */
    private String ensureDatabase(HotdataClient client, String database) throws HotdataException {
        List<DatabaseSummary> matches =
                client.listAllDatabases(database).stream()
                        .filter(db -> database.equals(db.name()))
                        .collect(Collectors.toList());
        if (matches.size() > 1) {
            throw new IllegalStateException(
                    "Several Hotdata databases are named '"
                            + database
                            + "' (ids: "
                            + matches.stream()
                                    .map(DatabaseSummary::id)
                                    .collect(Collectors.joining(", "))
                            + "); delete all but one.");
        }
        if (matches.size() == 1) {
            out.println(
                    "Database: "
                            + database
                            + " (id "
                            + matches.get(0).id()
                            + ", exists: its tables are rewritten)");
            return matches.get(0).id();
        }
        DatabaseInfo created =
                client.createDatabase(
                        CreateDatabaseRequest.builder()
                                .name(database)
                                .schemas(
                                        Arrays.asList(
                                                SchemaDeclaration.of(
                                                        MacroPipeline.SCHEMA,
                                                        TableDeclaration.of(
                                                                MacroPipeline.RAW_TABLE),
                                                        TableDeclaration.of(
                                                                MacroPipeline.WIDE_TABLE))))
                                .build());
        out.println("Database: " + database + " (id " + created.id() + ", created)");
        return created.id();
    }

    /** Waits for the job, printing its status changes and the commits the sink logs. */
    private void awaitJob(TableResult result, HotdataClient client, String databaseId)
            throws Exception {
        JobClient job =
                result.getJobClient()
                        .orElseThrow(() -> new IllegalStateException("no job was submitted"));
        String jobId = job.getJobID().toString();
        progress("job " + jobId + " submitted");
        CommitLogWatcher commits =
                new CommitLogWatcher(client, databaseId, MacroPipeline.SCHEMA, jobId);
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        JobStatus lastStatus = null;
        boolean done = false;
        while (!done) {
            if (System.nanoTime() > deadline) {
                job.cancel();
                throw new TimeoutException("the job did not finish within " + JOB_TIMEOUT);
            }
            try {
                result.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
                done = true;
            } catch (TimeoutException stillRunning) {
                // keep polling
            } catch (ExecutionException e) {
                throw new IllegalStateException("the Flink job failed", e.getCause());
            }
            for (CommitLogWatcher.Commit c : commits.poll()) {
                progress(
                        String.format(
                                "committed %-21s %,8d rows  (%s, mode %s)",
                                c.table,
                                c.rows,
                                c.checkpointId == Long.MAX_VALUE
                                        ? "end of input"
                                        : "checkpoint " + c.checkpointId,
                                c.mode));
            }
            JobStatus status = done ? JobStatus.FINISHED : statusOrNull(job);
            if (status != null && status != lastStatus) {
                progress("job " + status.name().toLowerCase(java.util.Locale.ROOT));
                lastStatus = status;
            }
        }
    }

    /**
     * The job's status, or null when it cannot be asked: the local MiniCluster shuts down as soon
     * as the job ends, which the next {@code await} reports.
     */
    private static JobStatus statusOrNull(JobClient job) throws InterruptedException {
        try {
            return job.getJobStatus().get();
        } catch (ExecutionException | RuntimeException e) {
            return null;
        }
    }

    private Summary report(
            HotdataClient client,
            TableEnvironment tEnv,
            String database,
            String databaseId,
            FredInput input,
            DemoTarget target,
            boolean serving)
            throws HotdataException {
        String raw = MacroPipeline.SCHEMA + "." + MacroPipeline.RAW_TABLE;
        String wide = MacroPipeline.SCHEMA + "." + MacroPipeline.WIDE_TABLE;
        out.println(
                "Queried back from Hotdata (database " + database + ", id " + databaseId + "):");
        out.println();

        Map<String, Long> rawCounts = new HashMap<>();
        QueryResponse perSeries =
                client.query(
                        databaseId,
                        "SELECT series, count(*) AS n FROM " + raw + " GROUP BY series");
        for (List<Object> row : perSeries.rows()) {
            rawCounts.put(String.valueOf(row.get(0)), toLong(row.get(1)));
        }
        boolean match = rawCounts.size() == input.series().size();
        long rawTotal = 0;
        out.printf("  %-22s %12s %12s%n", raw, "input rows", "in Hotdata");
        for (Map.Entry<FredSeries, FredInput.SeriesSummary> e : input.series().entrySet()) {
            long loaded = rawCounts.getOrDefault(e.getKey().name(), 0L);
            rawTotal += loaded;
            boolean same = loaded == e.getValue().rows();
            match &= same;
            out.printf(
                    "    %-20s %12d %12d%s%n",
                    e.getKey().name(), e.getValue().rows(), loaded, same ? "" : "   <- differs");
        }
        out.printf("    %-20s %12d %12d%n", "total", input.totalRows(), rawTotal);

        LocalDate lastDate =
                input.series().values().stream()
                        .map(FredInput.SeriesSummary::last)
                        .filter(d -> d != null)
                        .max(Comparator.naturalOrder())
                        .orElse(MacroPipeline.WIDE_FROM);
        long expectedMonths =
                ChronoUnit.MONTHS.between(MacroPipeline.WIDE_FROM, lastDate.withDayOfMonth(1)) + 1;
        List<Object> wideStats =
                client.query(
                                databaseId,
                                "SELECT count(*), min(\"month\"), max(\"month\") FROM " + wide)
                        .rows()
                        .get(0);
        long wideRows = toLong(wideStats.get(0));
        match &= wideRows == expectedMonths;
        out.println();
        out.printf(
                "  %-22s %12s %12s%n    %-20s %12d %12d%s%n",
                wide,
                "months",
                "in Hotdata",
                MacroPipeline.WIDE_FROM.toString().substring(0, 7)
                        + ".."
                        + lastDate.toString().substring(0, 7),
                expectedMonths,
                wideRows,
                wideRows == expectedMonths ? "" : "   <- differs");
        out.println();
        if (match) {
            out.println("  Row counts match the input.");
        } else {
            out.println(
                    "  Row counts DIFFER from the input"
                            + ("append".equals(MacroPipeline.WRITE_MODE)
                                    ? " (write mode 'append': every run adds the rows again)."
                                    : "."));
        }
        out.println();

        // read back through Flink: the Hotdata catalog and its scan source
        StringBuilder catalog = new StringBuilder("CREATE CATALOG hd WITH ('type' = 'hotdata'");
        for (Map.Entry<String, String> option : target.connectionOptions().entrySet()) {
            if (!option.getKey().equals("api-key")) {
                catalog.append(", '")
                        .append(option.getKey())
                        .append("' = '")
                        .append(option.getValue())
                        .append('\'');
            }
        }
        catalog.append(')');
        out.println("Through Flink's Hotdata catalog:");
        out.println("  " + catalog + ";");
        String apiKey = target.connectionOptions().get("api-key");
        tEnv.executeSql(
                apiKey == null
                        ? catalog.toString()
                        : catalog.substring(0, catalog.length() - 1)
                                + ", 'api-key' = '"
                                + apiKey.replace("'", "''")
                                + "')");
        String flinkRaw = "hd." + database + "." + MacroPipeline.RAW_TABLE;
        String flinkWide = "hd." + database + "." + MacroPipeline.WIDE_TABLE;
        printThroughCatalog(tEnv, "SHOW TABLES FROM hd." + database);
        printThroughCatalog(
                tEnv,
                "SELECT series, `date`, `value` FROM "
                        + flinkRaw
                        + " ORDER BY `date` DESC, series LIMIT 5");
        printThroughCatalog(tEnv, "SELECT * FROM " + flinkWide + " ORDER BY `month` DESC LIMIT 4");
        printHowToQuery(target, databaseId, serving);
        return new Summary(databaseId, rawCounts, wideRows, match);
    }

    private void printThroughCatalog(TableEnvironment tEnv, String sql) {
        TableResult result = tEnv.executeSql(sql);
        List<String> columns = result.getResolvedSchema().getColumnNames();
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns);
        try (org.apache.flink.util.CloseableIterator<org.apache.flink.types.Row> rows =
                result.collect()) {
            while (rows.hasNext()) {
                org.apache.flink.types.Row row = rows.next();
                List<String> line = new ArrayList<>();
                for (int i = 0; i < row.getArity(); i++) {
                    line.add(cell(row.getField(i)));
                }
                cells.add(line);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Reading back through the catalog failed: " + sql, e);
        }
        out.println("  " + sql);
        printCells(cells);
    }

    private void printCells(List<List<String>> cells) {
        List<String> columns = cells.get(0);
        int[] widths = new int[columns.size()];
        for (List<String> row : cells) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : cells) {
            StringBuilder line = new StringBuilder("    ");
            for (int i = 0; i < row.size(); i++) {
                String format = i == 0 ? "%-" + widths[i] + "s" : "  %" + widths[i] + "s";
                line.append(String.format(format, row.get(i)));
            }
            out.println(line.toString().replaceAll("\\s+$", ""));
        }
        out.println();
    }

    private void printHowToQuery(DemoTarget target, String databaseId, boolean serving) {
        String endpoint = target.endpoint();
        boolean embedded = target.embeddedServer() != null;
        out.println("Query more:");
        if (embedded && serving) {
            out.println(
                    "  With HOTDATA_API_KEY set to hotdata-local's key (see"
                            + " hotdata-local/README.md):");
        } else if (embedded) {
            out.println(
                    "  The embedded hotdata-local stops with the demo. Keep it running with"
                            + " ./demo.sh --serve,");
            out.println("  or serve the same data directory with hotdata-local:");
            out.println("    mvn -B -q package -pl hotdata-local -DskipTests");
            out.println(
                    "    java -jar hotdata-local/target/hotdata-local-*-runnable.jar --port 8787"
                            + " --data-dir "
                            + target.embeddedServer().dataDir().toAbsolutePath());
            out.println(
                    "  then, with HOTDATA_API_KEY set to hotdata-local's key (see"
                            + " hotdata-local/README.md):");
            endpoint = "http://127.0.0.1:8787";
        }
        out.println(
                "    curl -s "
                        + endpoint
                        + "/v1/query -H \"Authorization: Bearer $HOTDATA_API_KEY\" \\");
        out.println(
                "      -H \"X-Workspace-Id: "
                        + target.workspaceId()
                        + "\" -H 'Content-Type: application/json' \\");
        out.println(
                "      -d '{\"database_id\": \""
                        + databaseId
                        + "\", \"sql\": \"SELECT month, cpiaucsl, unrate, fedfunds FROM "
                        + MacroPipeline.SCHEMA
                        + "."
                        + MacroPipeline.WIDE_TABLE
                        + " ORDER BY month DESC LIMIT 12\"}'");
        out.println(
                "  The commit log of every run is in "
                        + MacroPipeline.SCHEMA
                        + "._flink_commits of the same database.");
    }

    private static void serveUntilStopped(PrintStream out, DemoTarget target)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    target.close();
                                    stopped.countDown();
                                }));
        out.println();
        out.println(
                "Serving: hotdata-local keeps running at "
                        + target.endpoint()
                        + " (workspace "
                        + target.workspaceId()
                        + "); Ctrl-C stops it.");
        stopped.await();
    }

    private void progress(String message) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf("  [%6.1f s] %s%n", seconds, message);
    }

    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double && Double.isFinite((Double) value)) {
            value = BigDecimal.valueOf((Double) value);
        }
        if (value instanceof BigDecimal) {
            BigDecimal d = ((BigDecimal) value);
            if (d.scale() > 3) {
                d = d.setScale(3, RoundingMode.HALF_UP);
            }
            return d.stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static long toLong(Object value) {
        return Long.parseLong(String.valueOf(value));
    }

    private static String indent(String sql) {
        return sql.replace("\n", "\n  ");
    }

    private static String logFile() {
        return System.getProperty(LOG_FILE_PROPERTY, "(the test's console)");
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.trim().isEmpty();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What the demo found in Hotdata at the end. */
    public static final class Summary {
        private final String databaseId;
        private final Map<String, Long> rawCountsBySeries;
        private final long wideRows;
        private final boolean countsMatch;

        Summary(
                String databaseId,
                Map<String, Long> rawCountsBySeries,
                long wideRows,
                boolean countsMatch) {
            this.databaseId = databaseId;
            this.rawCountsBySeries = rawCountsBySeries;
            this.wideRows = wideRows;
            this.countsMatch = countsMatch;
        }

        /** The id of {@code example_macro}. */
        public String databaseId() {
            return databaseId;
        }

        /** Rows of {@code macro_indicators_raw} per series, as queried back. */
        public Map<String, Long> rawCountsBySeries() {
            return rawCountsBySeries;
        }

        /** Rows of {@code macro_wide}, as queried back. */
        public long wideRows() {
            return wideRows;
        }

        /** Whether both tables' row counts equal what the input implies. */
        public boolean countsMatch() {
            return countsMatch;
        }
    }
}
