package dev.hotdata.flink.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * FRED's CSV download ({@code observation_date,<SERIES>} or, in older downloads, {@code
 * DATE,<SERIES>}, one observation per line, missing values as {@code .} or an empty field) and the
 * demo's normalized form of it: {@code #} comment lines (provenance and the column names {@code
 * date,value}) followed by {@code yyyy-MM-dd,<value>} lines, values verbatim, missing values left
 * out. Flink's CSV format reads the normalized form with {@code 'csv.allow-comments' = 'true'}.
 */
public final class FredCsv {

    private FredCsv() {}

    /** One observation: the date and FRED's value text, unchanged. */
    public static final class Observation {
        private final LocalDate date;
        private final String value;

        Observation(LocalDate date, String value) {
            this.date = date;
            this.value = value;
        }

        public LocalDate date() {
            return date;
        }

        public String value() {
            return value;
        }
    }

    /** A parsed download: the observations and the dates FRED marked missing. */
    public static final class Parsed {
        private final List<Observation> observations;
        private final List<LocalDate> missing;

        Parsed(List<Observation> observations, List<LocalDate> missing) {
            this.observations = Collections.unmodifiableList(observations);
            this.missing = Collections.unmodifiableList(missing);
        }

        public List<Observation> observations() {
            return observations;
        }

        public List<LocalDate> missing() {
            return missing;
        }
    }

    /**
     * Parses a FRED CSV download of {@code series}.
     *
     * @throws IOException when the text is not FRED's CSV of that series (a wrong header, an HTML
     *     error page, a malformed line); the message names the line
     */
    public static Parsed parseDownload(FredSeries series, Reader in) throws IOException {
        BufferedReader reader = new BufferedReader(in);
        String header = reader.readLine();
        if (header == null) {
            throw new IOException(series + ": empty response");
        }
        header = stripBom(header).trim();
        String expected1 = "observation_date," + series.name();
        String expected2 = "DATE," + series.name();
        if (!header.equals(expected1) && !header.equals(expected2)) {
            throw new IOException(
                    series
                            + ": not FRED's CSV of the series; first line is '"
                            + abbreviate(header)
                            + "', expected '"
                            + expected1
                            + "'");
        }
        List<Observation> observations = new ArrayList<>();
        List<LocalDate> missing = new ArrayList<>();
        String line;
        int lineNumber = 1;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
                throw malformed(series, lineNumber, line);
            }
            LocalDate date;
            try {
                date = LocalDate.parse(line.substring(0, comma));
            } catch (DateTimeParseException e) {
                throw malformed(series, lineNumber, line);
            }
            String value = line.substring(comma + 1).trim();
            if (value.isEmpty() || value.equals(".")) {
                missing.add(date);
                continue;
            }
            try {
                Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw malformed(series, lineNumber, line);
            }
            observations.add(new Observation(date, value));
        }
        return new Parsed(observations, missing);
    }

    /**
     * Writes the normalized form: the {@code comments} (one {@code #} line each), the column names,
     * then one line per observation. A name ending in {@code .gz} is written gzip-compressed.
     */
    public static void writeNormalized(
            Path file, List<String> comments, List<Observation> observations) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out =
                        file.getFileName().toString().endsWith(".gz")
                                ? new GZIPOutputStream(raw)
                                : raw;
                Writer writer = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            for (String comment : comments) {
                writer.write("# " + comment.replace('\n', ' ') + "\n");
            }
            writer.write("# date,value\n");
            for (Observation o : observations) {
                writer.write(o.date() + "," + o.value() + "\n");
            }
        }
    }

    /** Reads the observations of a normalized file ({@code .csv} or {@code .csv.gz}). */
    public static List<Observation> readNormalized(String fileName, InputStream in)
            throws IOException {
        InputStream data = fileName.endsWith(".gz") ? new GZIPInputStream(in) : in;
        List<Observation> observations = new ArrayList<>();
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw new IOException(fileName + ": malformed line '" + abbreviate(line) + "'");
            }
            observations.add(
                    new Observation(
                            LocalDate.parse(line.substring(0, comma)), line.substring(comma + 1)));
        }
        return observations;
    }

    private static IOException malformed(FredSeries series, int lineNumber, String line) {
        return new IOException(
                series + ": malformed line " + lineNumber + ": '" + abbreviate(line) + "'");
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
