package dev.hotdata.flink.demo;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The input directory: the shipped snapshot, a FRED download, and the fallback between them. */
class FredInputTest {

    @Test
    void theSnapshotHasEverySeries(@TempDir Path dir) throws IOException {
        FredInput input = FredInput.fromSnapshot(dir);

        assertThat(input.series()).containsOnlyKeys(FredSeries.values());
        assertThat(fileNames(dir)).hasSize(FredSeries.values().length);
        for (FredSeries series : FredSeries.values()) {
            String resource = FredInput.snapshotResource(series);
            String name = resource.substring(FredInput.SNAPSHOT_RESOURCE_DIR.length());
            try (InputStream in = Files.newInputStream(dir.resolve(name))) {
                assertThat(FredCsv.readNormalized(name, in))
                        .hasSize(input.series().get(series).rows());
            }
            assertThat(input.series().get(series).rows()).as(series.name()).isPositive();
        }
    }

    @Test
    void downloadsEverySeriesInFredsFormat(@TempDir Path dir) throws IOException {
        // a loopback stand-in for fredgraph.csv serving FRED's format, one '.' per series
        Map<String, Integer> requests = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/graph/fredgraph.csv",
                exchange -> {
                    String id = exchange.getRequestURI().getQuery().replace("id=", "");
                    requests.merge(id, 1, Integer::sum);
                    byte[] body =
                            ("observation_date,"
                                            + id
                                            + "\n2024-01-01,1.5\n2024-02-01,.\n2024-03-01,2.25\n")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
        try {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            FredInput input =
                    FredInput.downloadOrSnapshot(
                            "http://127.0.0.1:"
                                    + server.getAddress().getPort()
                                    + "/graph/fredgraph.csv",
                            dir,
                            new PrintStream(log, true, "UTF-8"));

            assertThat(requests.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            Stream.of(FredSeries.values())
                                    .map(Enum::name)
                                    .collect(Collectors.toList()));
            assertThat(input.origin()).startsWith("FRED, downloaded");
            assertThat(input.totalRows()).isEqualTo(2L * FredSeries.values().length);
            List<String> lines = Files.readAllLines(dir.resolve("CPIAUCSL.csv"));
            assertThat(lines.stream().filter(l -> !l.startsWith("#")))
                    .containsExactly("2024-01-01,1.5", "2024-03-01,2.25");
            assertThat(log.toString("UTF-8")).contains("1 missing values skipped");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aFailedDownloadFallsBackToTheSnapshotAndSaysSo(@TempDir Path dir) throws IOException {
        int closedPort;
        try (ServerSocket socket =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        FredInput input =
                FredInput.downloadOrSnapshot(
                        "http://127.0.0.1:" + closedPort + "/graph/fredgraph.csv",
                        dir,
                        new PrintStream(log, true, "UTF-8"));

        assertThat(log.toString("UTF-8"))
                .contains("The download of CPIAUCSL from FRED failed")
                .contains("Falling back to the shipped snapshot for all series");
        assertThat(input.origin()).contains("snapshot");
        assertThat(input.series().get(FredSeries.CPIAUCSL).rows()).isGreaterThan(900);
        // nothing of the failed attempt is left next to the snapshot files
        assertThat(fileNames(dir)).hasSize(FredSeries.values().length);
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
