package dev.hotdata.flink.e2e;

import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.function.Consumer;

/**
 * The set-up most e2e tests share, as one JUnit 5 extension: a hotdata-local server and a Flink
 * MiniCluster (one TaskManager) for the test class, and a {@link HotdataTestSupport} for each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(4);
 * ... E2E.server() ... E2E.hotdata().sink("db", "events") ...
 * }</pre>
 *
 * <p>The server starts before the cluster and stops after it. The test's {@link HotdataTestSupport}
 * is made on its first {@link #hotdata()} call in a test and closed after the test (after the
 * class's own {@code @AfterEach} methods). Parameters the MiniCluster injects
 * ({@code @InjectClusterClient}, {@code @InjectMiniCluster}) resolve as with {@link
 * MiniClusterExtension}.
 */
final class HotdataE2eEnvironment
        implements BeforeAllCallback,
                BeforeEachCallback,
                AfterEachCallback,
                AfterAllCallback,
                ParameterResolver {

    private final int slots;
    private final Consumer<HotdataLocalServer.Builder> serverCustomizer;
    private final Configuration configuration;
    private final HotdataLocalExtension hotdataLocal;
    private final MiniClusterExtension miniCluster;
    private HotdataTestSupport hotdata;
    private int logStart;

    private HotdataE2eEnvironment(
            int slots,
            Consumer<HotdataLocalServer.Builder> serverCustomizer,
            Configuration configuration) {
        this.slots = slots;
        this.serverCustomizer = serverCustomizer;
        this.configuration = configuration;
        this.hotdataLocal = new HotdataLocalExtension(serverCustomizer);
        this.miniCluster =
                new MiniClusterExtension(
                        new MiniClusterResourceConfiguration.Builder()
                                .setConfiguration(configuration)
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(slots)
                                .build());
    }

    /** A default hotdata-local server and a MiniCluster of one TaskManager with that many slots. */
    static HotdataE2eEnvironment withSlots(int slots) {
        return new HotdataE2eEnvironment(slots, b -> {}, new Configuration());
    }

    /** The same, with the hotdata-local server adjusted (key, workspaces, part size, ...). */
    HotdataE2eEnvironment withServer(Consumer<HotdataLocalServer.Builder> customizer) {
        return new HotdataE2eEnvironment(slots, customizer, configuration);
    }

    /** The same, with the MiniCluster started from that configuration (metric reporters, ...). */
    HotdataE2eEnvironment withConfiguration(Configuration clusterConfiguration) {
        return new HotdataE2eEnvironment(slots, serverCustomizer, clusterConfiguration);
    }

    /** The class's running hotdata-local server. */
    HotdataLocalServer server() {
        return hotdataLocal.server();
    }

    /** The running test's sinks and checking client, connected to {@link #server()}. */
    synchronized HotdataTestSupport hotdata() {
        if (hotdata == null) {
            hotdata = new HotdataTestSupport(server());
        }
        return hotdata;
    }

    /** How many entries the server's request log held when the running test began. */
    int logStart() {
        return logStart;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        hotdataLocal.beforeAll(context);
        miniCluster.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        miniCluster.beforeEach(context);
        logStart = server().requestLog().entries().size();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            server().faults().clear();
            server().readings().reset();
            closeHotdata();
        } finally {
            miniCluster.afterEach(context);
        }
    }

    private synchronized void closeHotdata() {
        if (hotdata != null) {
            hotdata.close();
            hotdata = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            miniCluster.afterAll(context);
        } finally {
            hotdataLocal.afterAll(context);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return miniCluster.supportsParameter(parameter, context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return miniCluster.resolveParameter(parameter, context);
    }
}
