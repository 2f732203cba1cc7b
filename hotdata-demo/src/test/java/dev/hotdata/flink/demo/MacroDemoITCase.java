package dev.hotdata.flink.demo;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.model.QueryResponse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Runs the demo, as {@code ./demo.sh} does, on the shipped snapshot against an embedded
 * hotdata-local, and checks both tables' full contents against what this test computes itself from
 * the shipped CSV files.
 */
class MacroDemoITCase {

    private static final List<String> SERIES =
            Arrays.asList(
                    "CPIAUCSL",
                    "FEDFUNDS",
                    "UNRATE",
                    "HOUST",
                    "INDPRO",
                    "MORTGAGE30US",
                    "PAYEMS",
                    "RSXFS",
                    "T10Y2Y");

    private static final LocalDate WIDE_FROM = LocalDate.of(1992, 1, 1);

    /** series -> date -> value, read from the shipped files by this test's own parser. */
    private static final Map<String, TreeMap<LocalDate, Double>> SNAPSHOT = new LinkedHashMap<>();

    @BeforeAll
    static void readSnapshot() throws IOException {
        if (!SNAPSHOT.isEmpty()) {
            return; // MacroDemoLiveITCase reads it too
        }
        for (String series : SERIES) {
            SNAPSHOT.put(series, readResource(series));
        }
    }

    @Test
    void theSnapshotHoldsTheRealSeries() {
        // values anyone can check on fred.stlouisfed.org
        assertThat(SNAPSHOT.get("CPIAUCSL").firstEntry())
                .isEqualTo(entry(LocalDate.of(1947, 1, 1), 21.48));
        assertThat(SNAPSHOT.get("FEDFUNDS").firstEntry())
                .isEqualTo(entry(LocalDate.of(1954, 7, 1), 0.80));
        assertThat(SNAPSHOT.get("UNRATE").firstEntry())
                .isEqualTo(entry(LocalDate.of(1948, 1, 1), 3.4));
        assertThat(SNAPSHOT.get("UNRATE").get(LocalDate.of(2020, 4, 1))).isEqualTo(14.8);
        assertThat(SNAPSHOT.get("FEDFUNDS").get(LocalDate.of(1980, 12, 1))).isEqualTo(18.90);
        assertThat(SNAPSHOT.get("INDPRO").firstKey()).isEqualTo(LocalDate.of(1919, 1, 1));
        assertThat(SNAPSHOT.get("MORTGAGE30US").firstEntry())
                .isEqualTo(entry(LocalDate.of(1971, 4, 2), 7.33));
        // daily: business days only (FRED's '.' holidays are left out)
        assertThat(SNAPSHOT.get("T10Y2Y")).hasSizeGreaterThan(12_000);
        assertThat(SNAPSHOT.get("T10Y2Y").keySet())
                .noneMatch(d -> d.getDayOfWeek().getValue() >= 6);
    }

    @Test
    void loadsBothTablesExactly(@TempDir Path dataDir) throws Exception {
        try (DemoTarget target = DemoTarget.embedded(dataDir)) {
            String output = runDemo(target, new DemoOptions());

            assertThat(output).contains("Row counts match the input.");
            assertThat(output).contains(String.format("%d", totalObservations()));
            String databaseId = databaseId(target, MacroPipeline.DATABASE);
            assertRawTableEqualsSnapshot(target, databaseId);
            assertWideTableEqualsPivot(target, databaseId);
            assertCommitLogNamesBothTables(target, databaseId);
        }
    }

    /**
     * Write mode {@code replace}: a second run leaves exactly the second run's output. Into a
     * database named with {@code --database}, which the first run creates.
     */
    @Test
    void runningTwiceLeavesTheSameContents(@TempDir Path dataDir) throws Exception {
        DemoOptions options = new DemoOptions().withDatabase("macro_twice");
        try (DemoTarget target = DemoTarget.embedded(dataDir)) {
            String first = runDemo(target, options);
            String second = runDemo(target, options);

            assertThat(first).contains("Database: macro_twice (id ").contains(", created)");
            assertThat(second).contains("Row counts match the input.");
            String databaseId = databaseId(target, "macro_twice");
            assertRawTableEqualsSnapshot(target, databaseId);
            assertWideTableEqualsPivot(target, databaseId);
        }
    }

    // ---------------------------------------------------------------------------------------

    static String runDemo(DemoTarget target, DemoOptions options) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, "UTF-8")) {
            new MacroDemo(out).run(options, target);
        }
        return new String(buffer.toByteArray(), StandardCharsets.UTF_8);
    }

    static String databaseId(DemoTarget target, String name) throws Exception {
        try (HotdataClient client = new HotdataClient(target.clientConfig())) {
            List<String> ids = new ArrayList<>();
            client.listAllDatabases(name).stream()
                    .filter(db -> db.name().equals(name))
                    .forEach(db -> ids.add(db.id()));
            assertThat(ids).as("databases named %s", name).hasSize(1);
            return ids.get(0);
        }
    }

    /** Every (series, date, value) of the snapshot, nothing else, values exact. */
    static void assertRawTableEqualsSnapshot(DemoTarget target, String databaseId)
            throws Exception {
        try (HotdataClient client = new HotdataClient(target.clientConfig())) {
            QueryResponse total =
                    client.query(databaseId, "SELECT count(*) FROM public.macro_indicators_raw");
            assertThat(number(total.rows().get(0).get(0)).longValue())
                    .isEqualTo(totalObservations());
            for (String series : SERIES) {
                TreeMap<LocalDate, Double> actual = new TreeMap<>();
                // two halves: a query answers at most 10 000 rows inline
                for (String range :
                        Arrays.asList(
                                "\"date\" < DATE '2001-01-01'", "\"date\" >= DATE '2001-01-01'")) {
                    QueryResponse rows =
                            client.query(
                                    databaseId,
                                    "SELECT \"date\", \"value\" FROM public.macro_indicators_raw"
                                            + " WHERE series = '"
                                            + series
                                            + "' AND "
                                            + range);
                    assertThat(rows.truncated()).isFalse();
                    for (List<Object> row : rows.rows()) {
                        Double previous =
                                actual.put(
                                        LocalDate.parse(String.valueOf(row.get(0))),
                                        number(row.get(1)).doubleValue());
                        assertThat(previous).as("duplicate %s %s", series, row.get(0)).isNull();
                    }
                }
                assertThat(actual).as(series).isEqualTo(SNAPSHOT.get(series));
            }
        }
    }

    /**
     * One row per month from 1992-01 to the last month any series covers, each column the mean of
     * that series' observations in the month (NULL when it has none), computed here from the files.
     */
    static void assertWideTableEqualsPivot(DemoTarget target, String databaseId) throws Exception {
        Map<LocalDate, Map<String, List<Double>>> byMonth = new TreeMap<>();
        LocalDate last = WIDE_FROM;
        for (String series : SERIES) {
            for (Map.Entry<LocalDate, Double> e :
                    SNAPSHOT.get(series).tailMap(WIDE_FROM, true).entrySet()) {
                LocalDate month = e.getKey().withDayOfMonth(1);
                byMonth.computeIfAbsent(month, m -> new LinkedHashMap<>())
                        .computeIfAbsent(series, s -> new ArrayList<>())
                        .add(e.getValue());
                last = month.isAfter(last) ? month : last;
            }
        }
        long months = ChronoUnit.MONTHS.between(WIDE_FROM, last) + 1;
        assertThat(byMonth).as("every month has an observation").hasSize((int) months);

        try (HotdataClient client = new HotdataClient(target.clientConfig())) {
            QueryResponse wide =
                    client.query(
                            databaseId,
                            "SELECT \"month\", "
                                    + String.join(", ", lower(SERIES))
                                    + " FROM public.macro_wide ORDER BY \"month\"");
            assertThat(wide.truncated()).isFalse();
            assertThat(wide.rows()).hasSize((int) months);
            LocalDate expectedMonth = WIDE_FROM;
            for (List<Object> row : wide.rows()) {
                LocalDate month = LocalDate.parse(String.valueOf(row.get(0)));
                assertThat(month).isEqualTo(expectedMonth);
                Map<String, List<Double>> observed = byMonth.get(month);
                for (int i = 0; i < SERIES.size(); i++) {
                    List<Double> values = observed.get(SERIES.get(i));
                    Object cell = row.get(i + 1);
                    if (values == null) {
                        assertThat(cell).as("%s %s", month, SERIES.get(i)).isNull();
                    } else {
                        double mean =
                                values.stream()
                                        .mapToDouble(Double::doubleValue)
                                        .average()
                                        .getAsDouble();
                        assertThat(number(cell).doubleValue())
                                .as("%s %s", month, SERIES.get(i))
                                .isCloseTo(mean, within(1e-9 * Math.max(1, Math.abs(mean))));
                    }
                }
                expectedMonth = expectedMonth.plusMonths(1);
            }
            // one month spelled out: September 2008, daily and weekly series averaged
            Map<String, List<Double>> sep2008 = byMonth.get(LocalDate.of(2008, 9, 1));
            assertThat(sep2008.get("T10Y2Y")).hasSizeGreaterThan(15);
            assertThat(sep2008.get("MORTGAGE30US")).hasSizeBetween(4, 5);
            assertThat(sep2008.get("CPIAUCSL")).hasSize(1);
        }
    }

    static void assertCommitLogNamesBothTables(DemoTarget target, String databaseId)
            throws Exception {
        try (HotdataClient client = new HotdataClient(target.clientConfig())) {
            QueryResponse log =
                    client.query(
                            databaseId,
                            "SELECT table_name, sum(row_count) FROM public._flink_commits"
                                    + " GROUP BY table_name ORDER BY table_name");
            Map<String, Long> rows = new TreeMap<>();
            for (List<Object> row : log.rows()) {
                rows.put(String.valueOf(row.get(0)), number(row.get(1)).longValue());
            }
            assertThat(rows).containsEntry("macro_indicators_raw", totalObservations());
            assertThat(rows).containsKey("macro_wide");
        }
    }

    static long totalObservations() {
        return SNAPSHOT.values().stream().mapToLong(Map::size).sum();
    }

    private static List<String> lower(List<String> names) {
        List<String> lower = new ArrayList<>();
        for (String n : names) {
            lower.add(n.toLowerCase(java.util.Locale.ROOT));
        }
        return lower;
    }

    private static Number number(Object value) {
        return value instanceof Number ? (Number) value : Double.valueOf(String.valueOf(value));
    }

    private static Map.Entry<LocalDate, Double> entry(LocalDate date, double value) {
        return new java.util.AbstractMap.SimpleImmutableEntry<>(date, value);
    }

    /** This test's own reader of a shipped file: '#' lines skipped, "date,value" lines. */
    private static TreeMap<LocalDate, Double> readResource(String series) throws IOException {
        ClassLoader loader = MacroDemoITCase.class.getClassLoader();
        InputStream in = loader.getResourceAsStream("fred/" + series + ".csv");
        if (in == null) {
            in = new GZIPInputStream(loader.getResourceAsStream("fred/" + series + ".csv.gz"));
        }
        TreeMap<LocalDate, Double> values = new TreeMap<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split(",");
                assertThat(parts).as(line).hasSize(2);
                assertThat(values.put(LocalDate.parse(parts[0]), Double.valueOf(parts[1])))
                        .as("duplicate date in %s: %s", series, line)
                        .isNull();
            }
        }
        return values;
    }
}
