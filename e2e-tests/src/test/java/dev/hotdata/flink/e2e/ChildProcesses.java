package dev.hotdata.flink.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * JVMs started by a test. Each one writes its output to a file; every one still alive is killed
 * when {@link #killAll()} runs and, should the test JVM end first, by a shutdown hook.
 */
final class ChildProcesses {

    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(ChildProcesses::killAll, "kill-test-children"));
    }

    private ChildProcesses() {}

    /** The java launcher of this JVM. */
    static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The JVM options Flink needs on Java 17, as surefire passes them to the test JVM. */
    static List<String> flinkJvmOptions() {
        List<String> options = new ArrayList<>();
        String args = System.getProperty("flink.test.jvm.args", "");
        for (String arg : args.trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                options.add(arg);
            }
        }
        return options;
    }

    /** Starts a JVM whose stdout and stderr go to {@code output}. */
    static Process start(List<String> command, Path output) throws IOException {
        return start(command, output, Collections.emptyMap());
    }

    /**
     * Starts a JVM whose stdout and stderr go to {@code output}, with {@code environment} added to
     * the environment it inherits (a null value removes the variable).
     */
    static Process start(List<String> command, Path output, Map<String, String> environment)
            throws IOException {
        Files.createDirectories(output.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        environment.forEach(
                (name, value) -> {
                    if (value == null) {
                        builder.environment().remove(name);
                    } else {
                        builder.environment().put(name, value);
                    }
                });
        Process process = builder.start();
        ALIVE.add(process);
        return process;
    }

    /** {@code kill -9}: no shutdown hook runs in the child; waits until it is gone. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + process.pid() + " survived kill -9");
        }
        ALIVE.remove(process);
    }

    /** Kills every child still running. */
    static void killAll() {
        for (Process p : new ArrayList<>(ALIVE)) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ALIVE.remove(p);
        }
    }

    /** The last {@code lines} lines of a child's output, for failure messages. */
    static String tail(Path output, int lines) {
        try {
            String[] all =
                    new String(Files.readAllBytes(output), StandardCharsets.UTF_8).split("\n");
            return String.join(
                    "\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
