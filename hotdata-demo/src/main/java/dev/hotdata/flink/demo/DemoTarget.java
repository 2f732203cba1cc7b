package dev.hotdata.flink.demo;

import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.local.HotdataLocalServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hotdata the demo writes to: the real service (credentials from the environment, which the
 * connector reads itself, so the key never enters the SQL text) or a hotdata-local server, either
 * embedded (started and stopped here) or given.
 */
public final class DemoTarget implements AutoCloseable {

    private final String description;
    private final HotdataClientConfig clientConfig;
    private final Map<String, String> connectionOptions;
    private final HotdataLocalServer embedded;

    private DemoTarget(
            String description,
            HotdataClientConfig clientConfig,
            Map<String, String> connectionOptions,
            HotdataLocalServer embedded) {
        this.description = description;
        this.clientConfig = clientConfig;
        this.connectionOptions = Collections.unmodifiableMap(connectionOptions);
        this.embedded = embedded;
    }

    /** Whether the environment names a real Hotdata: both the key and the workspace are set. */
    public static boolean environmentHasCredentials(Map<String, String> env) {
        return notBlank(env.get(HotdataClientConfig.ENV_API_KEY))
                && notBlank(env.get(HotdataClientConfig.ENV_WORKSPACE));
    }

    /**
     * The real Hotdata named by {@code HOTDATA_API_KEY}, {@code HOTDATA_WORKSPACE} and optionally
     * {@code HOTDATA_API_URL}. The table options stay empty: the connector reads the same
     * variables.
     */
    public static DemoTarget fromEnvironment(Map<String, String> env) {
        HotdataClientConfig config = HotdataClientConfig.fromEnvironment(env).build();
        return new DemoTarget(
                "Hotdata at "
                        + config.endpoint()
                        + ", workspace "
                        + config.workspaceId()
                        + " (from HOTDATA_API_KEY / HOTDATA_WORKSPACE"
                        + (notBlank(env.get(HotdataClientConfig.ENV_API_URL))
                                ? " / HOTDATA_API_URL"
                                : "")
                        + ")",
                config,
                new LinkedHashMap<>(),
                null);
    }

    /** Starts an embedded hotdata-local on a free loopback port over {@code dataDir}. */
    public static DemoTarget embedded(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        HotdataLocalServer server =
                HotdataLocalServer.builder().host("127.0.0.1").port(0).dataDir(dataDir).build();
        server.start();
        DemoTarget target =
                server(
                        "embedded hotdata-local at "
                                + server.endpoint()
                                + ", data directory "
                                + dataDir.toAbsolutePath(),
                        server.endpoint(),
                        server.apiKey(),
                        server.workspaceId(),
                        server);
        return target;
    }

    /**
     * A Hotdata (usually a hotdata-local) given explicitly; it is not stopped by {@link #close}.
     */
    public static DemoTarget given(String endpoint, String apiKey, String workspaceId) {
        return server("hotdata-local at " + endpoint, endpoint, apiKey, workspaceId, null);
    }

    private static DemoTarget server(
            String description,
            String endpoint,
            String apiKey,
            String workspaceId,
            HotdataLocalServer embedded) {
        HotdataClientConfig config =
                HotdataClientConfig.builder()
                        .endpoint(endpoint)
                        .apiKey(apiKey)
                        .workspaceId(workspaceId)
                        .build();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("endpoint", endpoint);
        options.put("api-key", apiKey);
        options.put("workspace-id", workspaceId);
        return new DemoTarget(description, config, options, embedded);
    }

    /** Which Hotdata this is, for people (never the key). */
    public String description() {
        return description;
    }

    /** How to reach it with the connector's client. */
    public HotdataClientConfig clientConfig() {
        return clientConfig;
    }

    /** Connection options for the {@code WITH} clause of the hotdata tables. */
    public Map<String, String> connectionOptions() {
        return connectionOptions;
    }

    /** The embedded server, or null. */
    public HotdataLocalServer embeddedServer() {
        return embedded;
    }

    /** The endpoint, e.g. {@code https://api.hotdata.dev}. */
    public String endpoint() {
        return clientConfig.endpoint();
    }

    /** The workspace id. */
    public String workspaceId() {
        return clientConfig.workspaceId();
    }

    /** Stops the embedded server, if this target started one. */
    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.trim().isEmpty();
    }
}
