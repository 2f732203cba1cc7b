package dev.hotdata.flink.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * hotdata-local as a process of its own, from the runnable jar the reactor built (or, when the
 * module was not packaged, from its classes on the test classpath), on a fixed loopback port and
 * data directory so that it can be killed and started again in place.
 */
final class HotdataLocalProcess implements AutoCloseable {

    static final String WORKSPACE = "ws_local";

    private final Path dataDir;
    private final Path output;
    private final String apiKey;
    private final int port;
    private Process process;
    private int starts;

    HotdataLocalProcess(Path workDir, String apiKey) throws IOException {
        this.dataDir = Files.createDirectories(workDir.resolve("hotdata-data"));
        this.output = workDir.resolve("logs").resolve("hotdata-local.out");
        this.apiKey = apiKey;
        this.port = freePort();
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String apiKey() {
        return apiKey;
    }

    /** Starts the server and waits until it answers. */
    HotdataLocalProcess start() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ChildProcesses.java());
        command.add("-Xmx512m");
        Path jar = runnableJar();
        if (jar != null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(TestClasspath.current().all());
            command.add("dev.hotdata.local.HotdataLocalMain");
        }
        command.add("--port");
        command.add(String.valueOf(port));
        command.add("--host");
        command.add("127.0.0.1");
        command.add("--data-dir");
        command.add(dataDir.toString());
        command.add("--api-key");
        command.add(apiKey);
        command.add("--workspace");
        command.add(WORKSPACE);
        process = ChildProcesses.start(command, output);
        starts++;
        awaitReady(Duration.ofSeconds(60));
        return this;
    }

    /** {@code kill -9} of the server process: whatever it was doing is cut off. */
    void kill() throws InterruptedException {
        ChildProcesses.kill(process);
    }

    /** How many times the process was started. */
    int starts() {
        return starts;
    }

    /** The runnable jar under hotdata-local/target, or null when the module was not packaged. */
    static Path runnableJar() throws IOException {
        Path target =
                Paths.get(System.getProperty("basedir", "."), "..", "hotdata-local", "target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (DirectoryStream<Path> jars =
                Files.newDirectoryStream(target, "hotdata-local-*-runnable.jar")) {
            for (Path jar : jars) {
                return jar.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ping =
                HttpRequest.newBuilder(URI.create(endpoint() + "/v1/databases?limit=1"))
                        .header("Authorization", "Bearer " + apiKey)
                        .header("X-Workspace-Id", WORKSPACE)
                        .timeout(Duration.ofSeconds(5))
                        .build();
        try {
            Conditions.waitUntil(
                    "hotdata-local at " + endpoint(),
                    timeout,
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "hotdata-local exited: " + ChildProcesses.tail(output, 30));
                        }
                        try {
                            return http.send(ping, HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        } catch (IOException e) {
                            return false;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                    });
        } catch (Exception e) {
            throw new IllegalStateException(
                    "hotdata-local did not start: " + ChildProcesses.tail(output, 30), e);
        }
    }

    private static int freePort() throws IOException {
        return TestPorts.freePort();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            ChildProcesses.kill(process);
        }
    }
}
