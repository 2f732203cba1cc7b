package dev.hotdata.flink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Flink session cluster of separate JVMs on loopback: one JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) started from
 * the Maven-resolved Flink jars with a generated {@code config.yaml}, the way Flink's scripts start
 * them, without a distribution. The connector is not on their classpath: jobs ship it.
 */
final class StandaloneFlinkCluster implements AutoCloseable {

    private final Map<String, String> environment;
    private final Path workDir;
    private final Path confDir;
    private final Path logDir;
    private final int slotsPerTaskManager;
    private final int rpcPort;
    private final int restPort;
    private final String classpath;
    private final List<Process> taskManagers = new ArrayList<>();
    private final List<Path> taskManagerOutputs = new ArrayList<>();
    private final Set<Integer> killed = new HashSet<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Process jobManager;
    private int jobManagerStarts;

    StandaloneFlinkCluster(Path workDir, int slotsPerTaskManager) throws IOException {
        this(workDir, slotsPerTaskManager, Collections.emptyMap());
    }

    /**
     * A cluster whose JobManager and TaskManager processes have {@code environment} added to the
     * environment they inherit, as {@code containerized.*.env.*} or a pod spec would set it.
     */
    StandaloneFlinkCluster(Path workDir, int slotsPerTaskManager, Map<String, String> environment)
            throws IOException {
        this.environment = new LinkedHashMap<>(environment);
        this.workDir = workDir;
        this.confDir = Files.createDirectories(workDir.resolve("conf"));
        this.logDir = Files.createDirectories(workDir.resolve("logs"));
        this.slotsPerTaskManager = slotsPerTaskManager;
        this.rpcPort = freePort();
        this.restPort = freePort();
        this.classpath = TestClasspath.current().clusterClasspath();
        writeConfiguration();
    }

    int restPort() {
        return restPort;
    }

    Path checkpointDir() {
        return workDir.resolve("checkpoints");
    }

    /** Starts the JobManager and {@code count} TaskManagers; waits until all registered. */
    StandaloneFlinkCluster start(int count) throws Exception {
        startJobManager();
        for (int i = 0; i < count; i++) {
            startTaskManager();
        }
        awaitTaskManagers(count, Duration.ofSeconds(90));
        return this;
    }

    /**
     * Starts a JobManager JVM on the cluster's ports (its log appends to {@code jobmanager.log};
     * each start writes its own {@code .out}).
     */
    void startJobManager() throws IOException {
        if (jobManager != null && jobManager.isAlive()) {
            throw new IllegalStateException("The JobManager is running");
        }
        jobManagerStarts++;
        jobManager =
                ChildProcesses.start(
                        command(
                                "jobmanager",
                                "org.apache.flink.runtime.entrypoint"
                                        + ".StandaloneSessionClusterEntrypoint"),
                        logDir.resolve(
                                jobManagerStarts == 1
                                        ? "jobmanager.out"
                                        : "jobmanager-" + jobManagerStarts + ".out"),
                        environment);
    }

    /** {@code kill -9} of the JobManager JVM; returns whether it is gone. */
    boolean killJobManager() throws InterruptedException {
        ChildProcesses.kill(jobManager);
        return !jobManager.isAlive();
    }

    /** Starts one more TaskManager JVM; returns its index. */
    int startTaskManager() throws IOException {
        int index = taskManagers.size();
        String name = "taskmanager-" + index;
        List<String> command =
                command(name, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        command.add("-Dtaskmanager.resource-id=" + name);
        command.add("-Dio.tmp.dirs=" + Files.createDirectories(workDir.resolve("tmp-" + name)));
        Path output = logDir.resolve(name + ".out");
        taskManagers.add(ChildProcesses.start(command, output, environment));
        taskManagerOutputs.add(output);
        return index;
    }

    /** {@code kill -9} of a TaskManager JVM. */
    void killTaskManager(int index) throws InterruptedException {
        killed.add(index);
        ChildProcesses.kill(taskManagers.get(index));
    }

    /** Waits until exactly {@code count} TaskManagers are registered with the JobManager. */
    void awaitTaskManagers(int count, Duration timeout) throws Exception {
        try {
            Conditions.waitUntil(
                    count + " registered TaskManagers",
                    timeout,
                    () -> {
                        checkAlive();
                        JsonNode tms = getOrNull("/taskmanagers");
                        return tms != null && tms.path("taskmanagers").size() == count;
                    });
        } catch (Exception e) {
            throw new IllegalStateException("The cluster did not come up.\n" + diagnostics(), e);
        }
    }

    /** {@code GET} on the REST API; null while it does not answer 200. */
    JsonNode getOrNull(String path) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + restPort + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return response.statusCode() == 200 ? json.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The tails of every process's output, for failure messages. */
    String diagnostics() {
        StringBuilder sb = new StringBuilder();
        sb.append("--- jobmanager\n")
                .append(ChildProcesses.tail(logDir.resolve("jobmanager.log"), 40))
                .append('\n')
                .append(ChildProcesses.tail(logDir.resolve("jobmanager.out"), 20))
                .append('\n');
        for (int i = 0; i < taskManagerOutputs.size(); i++) {
            sb.append("--- taskmanager-")
                    .append(i)
                    .append('\n')
                    .append(ChildProcesses.tail(logDir.resolve("taskmanager-" + i + ".log"), 20))
                    .append('\n')
                    .append(ChildProcesses.tail(taskManagerOutputs.get(i), 20))
                    .append('\n');
        }
        return sb.toString();
    }

    /** Waits until {@code count} TaskManagers are registered and all their slots are free. */
    void awaitFreeSlots(int count, Duration timeout) throws Exception {
        try {
            Conditions.waitUntil(
                    count + " TaskManagers with all slots free",
                    timeout,
                    () -> {
                        checkAlive();
                        JsonNode overview = getOrNull("/overview");
                        return overview != null
                                && overview.path("taskmanagers").asInt() == count
                                && overview.path("slots-available").asInt()
                                        == count * slotsPerTaskManager;
                    });
        } catch (Exception e) {
            throw new IllegalStateException("The cluster did not settle.\n" + diagnostics(), e);
        }
    }

    /** Fails fast when a process the cluster needs has died on its own. */
    private void checkAlive() {
        if (!jobManager.isAlive()) {
            throw new IllegalStateException("The JobManager exited.\n" + diagnostics());
        }
        for (int i = 0; i < taskManagers.size(); i++) {
            if (!taskManagers.get(i).isAlive() && !killed.contains(i)) {
                throw new IllegalStateException("TaskManager " + i + " exited.\n" + diagnostics());
            }
        }
    }

    private List<String> command(String name, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcesses.java());
        command.add("-Xms128m");
        command.add("-Xmx512m");
        command.add("-XX:MaxDirectMemorySize=256m");
        command.addAll(ChildProcesses.flinkJvmOptions());
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(confDir.toString());
        return command;
    }

    /** Loopback only, free ports, small memory, fast failure detection, local checkpoints. */
    private void writeConfiguration() throws IOException {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", String.valueOf(restPort));
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.rpc.port", "0");
        conf.put("taskmanager.data.port", "0");
        conf.put("blob.server.port", "0");
        conf.put("taskmanager.numberOfTaskSlots", String.valueOf(slotsPerTaskManager));
        // TaskManagerRunner started by hand needs the resolved memory sizes Flink's scripts pass
        conf.put("taskmanager.cpu.cores", String.valueOf(slotsPerTaskManager));
        conf.put("taskmanager.memory.task.heap.size", "256m");
        conf.put("taskmanager.memory.task.off-heap.size", "0m");
        conf.put("taskmanager.memory.managed.size", "16m");
        conf.put("taskmanager.memory.network.min", "32m");
        conf.put("taskmanager.memory.network.max", "32m");
        conf.put("taskmanager.memory.framework.heap.size", "64m");
        conf.put("taskmanager.memory.framework.off-heap.size", "64m");
        conf.put("taskmanager.memory.jvm-metaspace.size", "256m");
        conf.put("taskmanager.memory.jvm-overhead.min", "192m");
        conf.put("taskmanager.memory.jvm-overhead.max", "192m");
        // a killed TaskManager is noticed in seconds, not after the default 50 s
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "5000");
        conf.put("cluster.evenly-spread-out-slots", "true");
        conf.put("execution.checkpointing.dir", checkpointDir().toUri().toString());
        // a user's way back without HA: resubmit from the latest retained checkpoint
        conf.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.put("restart-strategy.type", "fixed-delay");
        conf.put("restart-strategy.fixed-delay.attempts", "30");
        conf.put("restart-strategy.fixed-delay.delay", "1 s");
        conf.put("metrics.internal.query-service.port", "0");
        StringBuilder yaml = new StringBuilder();
        conf.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
        Files.write(
                confDir.resolve("config.yaml"), yaml.toString().getBytes(StandardCharsets.UTF_8));

        String log4j =
                "rootLogger.level = INFO\n"
                        + "rootLogger.appenderRef.file.ref = FileAppender\n"
                        + "appender.file.name = FileAppender\n"
                        + "appender.file.type = File\n"
                        + "appender.file.fileName = ${sys:log.file}\n"
                        + "appender.file.layout.type = PatternLayout\n"
                        + "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n\n";
        Files.write(confDir.resolve("log4j.properties"), log4j.getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        return TestPorts.freePort();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process tm : taskManagers) {
            if (tm.isAlive()) {
                ChildProcesses.kill(tm);
            }
        }
        if (jobManager != null && jobManager.isAlive()) {
            ChildProcesses.kill(jobManager);
        }
    }
}
