package dev.hotdata.local;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * JUnit 5 extension: starts a {@link HotdataLocalServer} on a free loopback port with a fresh
 * temporary data directory before all tests of a class and stops it (deleting the directory) after
 * them.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
 * ... HOTDATA.server().endpoint() ...
 * }</pre>
 */
public final class HotdataLocalExtension implements BeforeAllCallback, AfterAllCallback {
    private final Consumer<HotdataLocalServer.Builder> customizer;
    private Path dataDir;
    private HotdataLocalServer server;

    /** Default server: loopback, free port, default key and workspace. */
    public HotdataLocalExtension() {
        this(b -> {});
    }

    /** Lets the test adjust the builder (workspaces, TTLs, ...); host/port/dataDir are set here. */
    public HotdataLocalExtension(Consumer<HotdataLocalServer.Builder> customizer) {
        this.customizer = customizer;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("hotdata-local-");
        HotdataLocalServer.Builder b =
                HotdataLocalServer.builder().host("127.0.0.1").port(0).dataDir(dataDir);
        customizer.accept(b);
        server = b.build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
        if (dataDir != null) {
            try (Stream<Path> s = Files.walk(dataDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The running server (between beforeAll and afterAll). */
    public HotdataLocalServer server() {
        if (server == null) {
            throw new IllegalStateException("the server runs only while the test class runs");
        }
        return server;
    }

    /** Shorthand for {@code server().endpoint()}. */
    public String endpoint() {
        return server().endpoint();
    }

    /** Shorthand for {@code server().apiKey()}. */
    public String apiKey() {
        return server().apiKey();
    }

    /** Shorthand for {@code server().workspaceId()}. */
    public String workspaceId() {
        return server().workspaceId();
    }

    /** The temporary data directory of this class's server. */
    public Path dataDir() {
        return dataDir;
    }
}
