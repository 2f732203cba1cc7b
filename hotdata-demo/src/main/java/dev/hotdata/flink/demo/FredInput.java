package dev.hotdata.flink.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's input: one normalized CSV file per series in a local directory, which Flink's
 * filesystem source reads. By default the files are the snapshot shipped in this module ({@code
 * src/main/resources/fred}, provenance in its {@code SOURCES.md}); with {@code --download} they are
 * downloaded from FRED first, and if any download fails the whole input falls back to the snapshot
 * (mixing vintages would make the wide table inconsistent).
 */
public final class FredInput {

    /** Where the shipped snapshot lives on the classpath. */
    public static final String SNAPSHOT_RESOURCE_DIR = "fred/";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** Row count and date range of one series' file. */
    public static final class SeriesSummary {
        private final int rows;
        private final LocalDate first;
        private final LocalDate last;

        SeriesSummary(List<FredCsv.Observation> observations) {
            this.rows = observations.size();
            LocalDate min = null;
            LocalDate max = null;
            for (FredCsv.Observation o : observations) {
                min = min == null || o.date().isBefore(min) ? o.date() : min;
                max = max == null || o.date().isAfter(max) ? o.date() : max;
            }
            this.first = min;
            this.last = max;
        }

        public int rows() {
            return rows;
        }

        /** The first date, null when the file has no observation. */
        public LocalDate first() {
            return first;
        }

        /** The last date, null when the file has no observation. */
        public LocalDate last() {
            return last;
        }
    }

    private final Path directory;
    private final Map<FredSeries, SeriesSummary> series;
    private final String origin;

    private FredInput(Path directory, Map<FredSeries, SeriesSummary> series, String origin) {
        this.directory = directory;
        this.series = Collections.unmodifiableMap(series);
        this.origin = origin;
    }

    /** The directory holding one file per series. */
    public Path directory() {
        return directory;
    }

    /** Observations (data lines) and date range per series in the input files. */
    public Map<FredSeries, SeriesSummary> series() {
        return series;
    }

    /** Total observations over all series. */
    public long totalRows() {
        long total = 0;
        for (SeriesSummary summary : series.values()) {
            total += summary.rows();
        }
        return total;
    }

    /** Where the data came from, for people. */
    public String origin() {
        return origin;
    }

    /** The classpath resource of a series in the snapshot ({@code .csv} or {@code .csv.gz}). */
    public static String snapshotResource(FredSeries series) {
        for (String name : Arrays.asList(series.name() + ".csv", series.name() + ".csv.gz")) {
            if (FredInput.class.getClassLoader().getResource(SNAPSHOT_RESOURCE_DIR + name)
                    != null) {
                return SNAPSHOT_RESOURCE_DIR + name;
            }
        }
        throw new IllegalStateException(
                "The snapshot of "
                        + series
                        + " is missing from the classpath ("
                        + SNAPSHOT_RESOURCE_DIR
                        + ")");
    }

    /** Copies the shipped snapshot into {@code directory} (which must exist and be empty). */
    public static FredInput fromSnapshot(Path directory) throws IOException {
        Map<FredSeries, SeriesSummary> counts = new EnumMap<>(FredSeries.class);
        for (FredSeries series : FredSeries.values()) {
            String resource = snapshotResource(series);
            String fileName = resource.substring(SNAPSHOT_RESOURCE_DIR.length());
            Path file = directory.resolve(fileName);
            try (InputStream in = open(resource)) {
                Files.copy(in, file);
            }
            try (InputStream in = Files.newInputStream(file)) {
                counts.put(series, new SeriesSummary(FredCsv.readNormalized(fileName, in)));
            }
        }
        return new FredInput(
                directory,
                counts,
                "the snapshot shipped in hotdata-demo (FRED data; provenance in"
                        + " hotdata-demo/src/main/resources/fred/SOURCES.md)");
    }

    /**
     * Downloads every series from FRED ({@code baseUrl + "?id=" + series}) into {@code directory},
     * normalized. Falls back to {@link #fromSnapshot} when any download fails, saying why on {@code
     * out}.
     */
    public static FredInput downloadOrSnapshot(String baseUrl, Path directory, PrintStream out)
            throws IOException {
        HttpClient http =
                HttpClient.newBuilder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        Map<FredSeries, SeriesSummary> counts = new EnumMap<>(FredSeries.class);
        String today = LocalDate.now().toString();
        for (FredSeries series : FredSeries.values()) {
            String url = baseUrl + "?id=" + series.name();
            out.printf("  downloading %-13s %s ... ", series.name(), url);
            out.flush();
            FredCsv.Parsed parsed;
            try {
                parsed = FredCsv.parseDownload(series, new StringReader(get(http, url)));
            } catch (IOException e) {
                out.println("failed");
                out.println();
                out.println(
                        "  The download of "
                                + series
                                + " from FRED failed ("
                                + describe(e)
                                + "). Falling back to the shipped snapshot for all series.");
                out.println();
                clear(directory);
                return fromSnapshot(directory);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while downloading " + series, e);
            }
            out.println(
                    parsed.observations().size()
                            + " observations, "
                            + parsed.missing().size()
                            + " missing values skipped");
            List<String> comments =
                    Arrays.asList(
                            series
                                    + " from FRED, Federal Reserve Bank of St. Louis (original"
                                    + " source: "
                                    + series.originalSource()
                                    + ")",
                            "downloaded " + today + " from " + url);
            FredCsv.writeNormalized(
                    directory.resolve(series.name() + ".csv"), comments, parsed.observations());
            counts.put(series, new SeriesSummary(parsed.observations()));
        }
        return new FredInput(directory, counts, "FRED, downloaded " + today + " from " + baseUrl);
    }

    private static String get(HttpClient http, String url)
            throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(REQUEST_TIMEOUT)
                        .header("User-Agent", "flink-connector-hotdata demo")
                        .GET()
                        .build();
        HttpResponse<String> response =
                http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + url);
        }
        return response.body();
    }

    /** An exception's class and message (some network exceptions carry no message). */
    static String describe(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause()) {
            message = t.getMessage();
            if (t.getCause() == t) {
                break;
            }
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = FredInput.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("missing classpath resource " + resource);
        }
        return in;
    }

    private static void clear(Path directory) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
    }
}
