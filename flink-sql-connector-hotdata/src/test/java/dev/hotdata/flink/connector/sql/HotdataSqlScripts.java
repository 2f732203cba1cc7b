package dev.hotdata.flink.connector.sql;

import dev.hotdata.local.HotdataLocalServer;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs SQL scripts in a child JVM whose classpath is a stock Flink {@code lib/} (Flink's jars and
 * their dependencies, log4j) plus the shaded connector jar, as a user's SQL client would.
 */
final class HotdataSqlScripts {

    static final Path SHADED_JAR = Paths.get(System.getProperty("shaded.jar"));
    static final Path FLINK_LIB = Paths.get(System.getProperty("flink.lib.dir"));
    static final Path TEST_CLASSES = Paths.get(System.getProperty("test.classes.dir"));

    private HotdataSqlScripts() {}

    /** The jars of the stock {@code lib/}, sorted. */
    static List<Path> flinkLib() throws IOException {
        try (Stream<Path> jars = Files.list(FLINK_LIB)) {
            return jars.filter(p -> p.toString().endsWith(".jar"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /**
     * Runs {@code sql/<name>.sql} against the server and returns its output; fails with the output
     * when the script fails.
     */
    static String run(String name, HotdataLocalServer server) throws Exception {
        Path script = TEST_CLASSES.resolve("sql").resolve(name + ".sql");
        List<String> classpath = new ArrayList<>();
        for (Path jar : flinkLib()) {
            classpath.add(jar.toString());
        }
        classpath.add(SHADED_JAR.toString());
        classpath.add(TEST_CLASSES.toString()); // the runner and its log4j configuration

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens")) {
                command.add(arg);
            }
        }
        command.add(
                "-Dlog4j2.configurationFile="
                        + TEST_CLASSES.resolve("sql").resolve("log4j2-child.properties"));
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(HotdataSqlScriptRunner.class.getName());
        command.add(script.toString());

        Path logs = TEST_CLASSES.getParent().resolve("sql-logs");
        Files.createDirectories(logs);
        Path output = logs.resolve(name + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        // the connector reads its connection from the environment, as in production
        builder.environment().put("HOTDATA_API_URL", server.endpoint());
        builder.environment().put("HOTDATA_API_KEY", server.apiKey());
        builder.environment().put("HOTDATA_WORKSPACE", server.workspaceId());
        Process process = builder.start();
        boolean done = process.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String log = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
        if (!done || process.exitValue() != 0 || !log.contains("SCRIPT OK")) {
            throw new AssertionError(
                    "SQL script "
                            + name
                            + (done ? " exited with " + process.exitValue() : " timed out")
                            + "; output ("
                            + output
                            + "):\n"
                            + tail(log, 12_000));
        }
        return log;
    }

    private static String tail(String s, int chars) {
        return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    }
}
