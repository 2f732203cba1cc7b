package dev.hotdata.flink.demo;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's Flink SQL: the series files are read by Flink's filesystem source, written as they are
 * to {@code macro_indicators_raw} (one row per series and date) and pivoted to {@code macro_wide}
 * (one row per month from 1992 on, the monthly average of each series in its own column), both into
 * the Hotdata database {@code example_macro}, in one batch job.
 */
public final class MacroPipeline {

    /** The Hotdata database. */
    public static final String DATABASE = "example_macro";

    /** The Hotdata schema of both tables. */
    public static final String SCHEMA = "public";

    /** One row per (series, date): the observations at their original frequency. */
    public static final String RAW_TABLE = "macro_indicators_raw";

    /** One row per month, one column per series. */
    public static final String WIDE_TABLE = "macro_wide";

    /** The first month of {@link #WIDE_TABLE}. */
    public static final LocalDate WIDE_FROM = LocalDate.of(1992, 1, 1);

    /**
     * How the tables are written. {@code replace} makes each run publish exactly its output, so
     * running the demo twice leaves the same contents. This is the only place the mode is set.
     */
    public static final String WRITE_MODE = "replace";

    /** Parallelism of the demo job. */
    public static final int PARALLELISM = 2;

    private MacroPipeline() {}

    /** A batch TableEnvironment; it runs its jobs on a local MiniCluster. */
    public static TableEnvironment createTableEnvironment() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, PARALLELISM);
        return TableEnvironment.create(
                EnvironmentSettings.newInstance().inBatchMode().withConfiguration(conf).build());
    }

    /**
     * Declares the source and both sinks in {@code tEnv} and returns the statement set of the two
     * INSERTs (executed as one job reading the files once).
     *
     * @param inputDir the directory of the normalized series files
     * @param connection the hotdata connection options ({@link DemoTarget#connectionOptions()})
     * @param databaseId the id of {@link #DATABASE}
     */
    public static StatementSet plan(
            TableEnvironment tEnv,
            Path inputDir,
            Map<String, String> connection,
            String databaseId) {
        for (String ddl : ddl(inputDir, connection, databaseId)) {
            tEnv.executeSql(ddl);
        }
        StatementSet statements = tEnv.createStatementSet();
        statements.addInsertSql(insertRaw());
        statements.addInsertSql(insertWide());
        return statements;
    }

    /** The CREATE statements: source, view and the two hotdata tables. */
    static List<String> ddl(Path inputDir, Map<String, String> connection, String databaseId) {
        List<String> ddl = new ArrayList<>();
        // one file per series; the series is the file's name, the '#' lines are comments
        ddl.add(
                "CREATE TEMPORARY TABLE fred_files (\n"
                        + "  `date` DATE,\n"
                        + "  `value` DOUBLE,\n"
                        + "  `file_name` STRING NOT NULL METADATA FROM 'file.name' VIRTUAL\n"
                        + ") WITH (\n"
                        + "  'connector' = 'filesystem',\n"
                        + "  'path' = "
                        + literal(inputDir.toAbsolutePath().toUri().toString())
                        + ",\n"
                        + "  'format' = 'csv',\n"
                        + "  'csv.allow-comments' = 'true'\n"
                        + ")");
        ddl.add(
                "CREATE TEMPORARY VIEW fred_observations AS\n"
                        + "SELECT REGEXP_EXTRACT(`file_name`, '^([A-Z0-9]+)[.]csv', 1) AS series,"
                        + " `date`, `value`\n"
                        + "FROM fred_files");
        ddl.add(
                "CREATE TEMPORARY TABLE "
                        + RAW_TABLE
                        + " (\n"
                        + "  series STRING,\n"
                        + "  `date` DATE,\n"
                        + "  `value` DOUBLE\n"
                        + ") WITH ("
                        + hotdataOptions(connection, databaseId, RAW_TABLE)
                        + ")");
        StringBuilder wide = new StringBuilder();
        wide.append("CREATE TEMPORARY TABLE ").append(WIDE_TABLE).append(" (\n  `month` DATE");
        for (FredSeries series : FredSeries.values()) {
            wide.append(",\n  ").append(series.column()).append(" DOUBLE");
        }
        wide.append("\n) WITH (").append(hotdataOptions(connection, databaseId, WIDE_TABLE));
        wide.append(")");
        ddl.add(wide.toString());
        return ddl;
    }

    /** Every observation, as read. */
    static String insertRaw() {
        return "INSERT INTO "
                + RAW_TABLE
                + " SELECT series, `date`, `value` FROM fred_observations";
    }

    /**
     * The monthly pivot: conditional aggregation per series, so daily and weekly series become
     * their monthly average and monthly series their value.
     */
    static String insertWide() {
        StringBuilder sql = new StringBuilder();
        sql.append("INSERT INTO ").append(WIDE_TABLE).append("\nSELECT `month`");
        for (FredSeries series : FredSeries.values()) {
            sql.append(",\n  AVG(CASE WHEN series = '")
                    .append(series.name())
                    .append("' THEN `value` END) AS ")
                    .append(series.column());
        }
        sql.append("\nFROM (\n  SELECT FLOOR(`date` TO MONTH) AS `month`, series, `value`")
                .append("\n  FROM fred_observations WHERE `date` >= DATE '")
                .append(WIDE_FROM)
                .append("'\n)\nGROUP BY `month`");
        return sql.toString();
    }

    private static String hotdataOptions(
            Map<String, String> connection, String databaseId, String table) {
        StringBuilder with = new StringBuilder();
        with.append("\n  'connector' = 'hotdata'");
        for (Map.Entry<String, String> option : connection.entrySet()) {
            with.append(",\n  ")
                    .append(literal(option.getKey()))
                    .append(" = ")
                    .append(literal(option.getValue()));
        }
        with.append(",\n  'database-id' = ").append(literal(databaseId));
        with.append(",\n  'schema' = ").append(literal(SCHEMA));
        with.append(",\n  'table' = ").append(literal(table));
        with.append(",\n  'sink.write-mode' = ").append(literal(WRITE_MODE));
        with.append("\n");
        return with.toString();
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
