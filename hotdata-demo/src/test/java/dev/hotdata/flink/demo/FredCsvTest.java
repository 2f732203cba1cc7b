package dev.hotdata.flink.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FRED's download format in, the demo's normalized format out. */
class FredCsvTest {

    @Test
    void parsesTodaysFormatAndSkipsMissingValues() throws IOException {
        FredCsv.Parsed parsed =
                FredCsv.parseDownload(
                        FredSeries.UNRATE,
                        new StringReader(
                                "\uFEFFobservation_date,UNRATE\n"
                                        + "2025-09-01,4.4\n"
                                        + "2025-10-01,\n"
                                        + "2025-11-01,.\n"
                                        + "2025-12-01,4.40\n"));

        assertThat(dates(parsed.observations()))
                .containsExactly(LocalDate.of(2025, 9, 1), LocalDate.of(2025, 12, 1));
        // the value text is kept verbatim
        assertThat(parsed.observations().get(1).value()).isEqualTo("4.40");
        assertThat(parsed.missing())
                .containsExactly(LocalDate.of(2025, 10, 1), LocalDate.of(2025, 11, 1));
    }

    @Test
    void parsesTheOlderDateHeader() throws IOException {
        FredCsv.Parsed parsed =
                FredCsv.parseDownload(
                        FredSeries.FEDFUNDS,
                        new StringReader("DATE,FEDFUNDS\r\n1954-07-01,0.80\r\n"));
        assertThat(parsed.observations()).hasSize(1);
        assertThat(parsed.observations().get(0).value()).isEqualTo("0.80");
    }

    @Test
    void rejectsWhatIsNotTheSeriesCsv() {
        assertThatThrownBy(
                        () ->
                                FredCsv.parseDownload(
                                        FredSeries.UNRATE,
                                        new StringReader(
                                                "observation_date,PAYEMS\n2025-01-01,1\n")))
                .hasMessageContaining("expected 'observation_date,UNRATE'");
        assertThatThrownBy(
                        () ->
                                FredCsv.parseDownload(
                                        FredSeries.UNRATE,
                                        new StringReader("<!DOCTYPE html><html>rate limited")))
                .hasMessageContaining("not FRED's CSV");
        assertThatThrownBy(
                        () ->
                                FredCsv.parseDownload(
                                        FredSeries.UNRATE,
                                        new StringReader(
                                                "observation_date,UNRATE\n2025-01-01,4.0\n"
                                                        + "Jan 2025,4.1\n")))
                .hasMessageContaining("malformed line 3");
        assertThatThrownBy(() -> FredCsv.parseDownload(FredSeries.UNRATE, new StringReader("")))
                .hasMessageContaining("empty");
    }

    @Test
    void normalizedFilesRoundTripPlainAndGzipped(@TempDir Path dir) throws IOException {
        List<FredCsv.Observation> observations =
                FredCsv.parseDownload(
                                FredSeries.T10Y2Y,
                                new StringReader(
                                        "observation_date,T10Y2Y\n"
                                                + "1976-06-01,0.68\n"
                                                + "1976-07-05,.\n"
                                                + "1976-07-06,0.70\n"))
                        .observations();
        for (String name : Arrays.asList("T10Y2Y.csv", "T10Y2Y.csv.gz")) {
            Path file = dir.resolve(name);
            FredCsv.writeNormalized(file, Arrays.asList("from a test"), observations);

            List<String> lines = readLines(file);
            assertThat(lines)
                    .containsExactly(
                            "# from a test", "# date,value", "1976-06-01,0.68", "1976-07-06,0.70");
            try (InputStream in = Files.newInputStream(file)) {
                List<FredCsv.Observation> back = FredCsv.readNormalized(name, in);
                assertThat(dates(back)).isEqualTo(dates(observations));
                assertThat(back.get(1).value()).isEqualTo("0.70");
            }
        }
    }

    private static List<String> readLines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (file.toString().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                bytes = in.readAllBytes();
            }
        }
        return Arrays.asList(
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n"));
    }

    private static List<LocalDate> dates(List<FredCsv.Observation> observations) {
        return observations.stream().map(FredCsv.Observation::date).collect(Collectors.toList());
    }
}
