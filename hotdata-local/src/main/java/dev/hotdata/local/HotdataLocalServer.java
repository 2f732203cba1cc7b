package dev.hotdata.local;

import dev.hotdata.local.api.LockScope;
import dev.hotdata.local.api.ServerReadings;
import dev.hotdata.local.api.ServerSettings;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.fault.FaultInjector;
import dev.hotdata.local.fault.RequestLog;
import dev.hotdata.local.latency.Latency;
import dev.hotdata.local.latency.LatencyProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * hotdata-local: a local, strict, Hotdata-compatible HTTP API server backed by DuckDB and a data
 * directory.
 *
 * <pre>{@code
 * HotdataLocalServer server = HotdataLocalServer.builder().dataDir(dir).build().start();
 * String url = server.endpoint();   // http://127.0.0.1:PORT
 * server.faults().failNext(1, "POST", "/v1/databases/.*&#47;loads", 503);
 * server.restart();                 // same port, same data directory
 * server.close();
 * }</pre>
 */
public final class HotdataLocalServer implements AutoCloseable {
    /** The API key used when none is configured (documented, not a secret). */
    public static final String DEFAULT_API_KEY = "hd_local_dev_key";

    /** The workspace used when none is configured. */
    public static final String DEFAULT_WORKSPACE = "ws_local";

    private final String host;
    private final int requestedPort;
    private final Path dataDir;
    private final String apiKey;
    private final List<String> extraHosts;
    private final ServerSettings settings;
    private final ServerReadings readings;
    private final FaultInjector faults;
    private final RequestLog requestLog = new RequestLog();
    private final Object lifecycle = new Object();
    private volatile LocalCore core;
    private volatile int port = -1;

    private HotdataLocalServer(Builder b) {
        if (!isLoopback(b.host) && DEFAULT_API_KEY.equals(b.apiKey)) {
            throw new IllegalArgumentException(
                    "hotdata-local refuses to listen on the non-loopback address '"
                            + b.host
                            + "' with the public default API key "
                            + DEFAULT_API_KEY
                            + ": set a key of your own (--api-key KEY, or Builder.apiKey), or"
                            + " listen on 127.0.0.1");
        }
        this.host = b.host;
        this.extraHosts = new ArrayList<>(b.allowedHosts);
        this.requestedPort = b.port;
        this.dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
        this.apiKey = b.apiKey;
        List<String> ws =
                b.workspaces.isEmpty()
                        ? Collections.singletonList(DEFAULT_WORKSPACE)
                        : Collections.unmodifiableList(new ArrayList<>(b.workspaces));
        this.settings =
                new ServerSettings(
                        b.apiKey,
                        ws,
                        b.presignTtl,
                        b.uploadTtl,
                        b.minPartSize,
                        b.singleUploadMaxBytes,
                        b.maxUploadBytes,
                        b.inlineMaxBytes);
        this.readings =
                new ServerReadings(b.uploadReuse, b.failedLoadConsumesUpload, b.listingHasKey);
        settings.latency(new Latency(b.latencyProfile, b.latencyScale, b.latencySeed));
        this.readings.initialDatabaseNameLookup(b.databaseNameLookup);
        this.readings.initialLockScope(b.lockScope);
        this.faults = new FaultInjector(() -> core.locks(), settings);
    }

    /** A builder with loopback host, a free port and the default key and workspace. */
    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port and starts serving; returns this. */
    public HotdataLocalServer start() {
        synchronized (lifecycle) {
            if (core != null) {
                throw new IllegalStateException("already started");
            }
            startCore(port > 0 ? port : requestedPort);
            return this;
        }
    }

    /**
     * Stops and starts again on the same port and data directory: everything persisted (databases,
     * tables, finalized uploads, results, finished jobs) is back; in-flight loads are lost and do
     * not consume their uploads; held locks are gone. Faults and the request log are kept.
     */
    public void restart() {
        synchronized (lifecycle) {
            if (core != null) {
                core.stop();
                core = null;
            }
            startCore(port);
        }
    }

    /** Stops the server; the data directory is kept. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (core != null) {
                core.stop();
                core = null;
            }
        }
    }

    /** {@code http://HOST:PORT}, the base URL clients use (paths start with {@code /v1/}). */
    public String endpoint() {
        if (port < 0) {
            throw new IllegalStateException("not started");
        }
        return "http://" + hostForUrl() + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The API key clients must send as {@code Authorization: Bearer <key>}. */
    public String apiKey() {
        return apiKey;
    }

    /** The first configured workspace id. */
    public String workspaceId() {
        return settings.workspaces().get(0);
    }

    /** All configured workspace ids (data is isolated per workspace). */
    public List<String> workspaceIds() {
        return settings.workspaces();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The fault injector (kept across restarts). */
    public FaultInjector faults() {
        return faults;
    }

    /**
     * The readings of behaviours the public material leaves open (upload re-use, failed loads);
     * switchable at run time, kept across restarts.
     */
    public ServerReadings readings() {
        return readings;
    }

    /**
     * The latency profile in force (none unless the builder or the command line chose one);
     * switchable at run time, kept across restarts; records every delay it adds.
     */
    public Latency latency() {
        return settings.latency();
    }

    /** The request log (kept across restarts). */
    public RequestLog requestLog() {
        return requestLog;
    }

    public boolean isRunning() {
        return core != null;
    }

    @Override
    public String toString() {
        return "HotdataLocalServer{endpoint="
                + (port < 0 ? "-" : endpoint())
                + ", dataDir="
                + dataDir
                + ", workspaces="
                + settings.workspaces()
                + "}";
    }

    private void startCore(int bindPort) {
        IOException last = null;
        // after a restart the old socket may linger briefly; retry the bind for a few seconds
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                LocalCore c =
                        new LocalCore(
                                host, bindPort, dataDir, settings, readings, faults, requestLog);
                port = c.port();
                settings.endpoint("http://" + hostForUrl() + ":" + port);
                settings.allowedHosts(allowedHosts(port));
                c.start();
                core = c;
                return;
            } catch (BindException e) {
                last = e;
                if (bindPort == 0) {
                    break;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new UncheckedIOException("cannot bind " + host + ":" + bindPort, last);
    }

    /** The {@code Host} header values answered: loopback names, the host, added names. */
    private Set<String> allowedHosts(int boundPort) {
        Set<String> names = new HashSet<>();
        names.add("127.0.0.1");
        names.add("localhost");
        names.add("[::1]");
        names.add(hostForUrl());
        for (String h : extraHosts) {
            names.add(h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h);
        }
        Set<String> out = new HashSet<>();
        for (String n : names) {
            String lower = n.toLowerCase(Locale.ROOT);
            out.add(lower + ":" + boundPort);
            if (boundPort == 80) {
                out.add(lower);
            }
        }
        return out;
    }

    /**
     * Whether a bind address is loopback: {@code localhost} or a loopback IP literal. Other names
     * are not resolved (they could resolve anywhere) and count as not loopback.
     */
    static boolean isLoopback(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = h.contains(":") || h.matches("[0-9.]+");
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Configures a {@link HotdataLocalServer}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private Path dataDir;
        private String apiKey = DEFAULT_API_KEY;
        private final List<String> workspaces = new ArrayList<>();
        private Duration presignTtl = Duration.ofMinutes(30);
        private Duration uploadTtl = Duration.ofHours(24);
        private long minPartSize = 5 * ServerSettings.MIB;
        private long singleUploadMaxBytes = 8 * ServerSettings.MIB;
        private long maxUploadBytes = 10L * 1024 * ServerSettings.MIB;
        private long inlineMaxBytes = 2 * ServerSettings.MIB;
        private UploadReuse uploadReuse = UploadReuse.REPLAY;
        private boolean failedLoadConsumesUpload;
        private boolean databaseNameLookup = true;
        private boolean listingHasKey;
        private LockScope lockScope = LockScope.DATABASE;
        private final List<String> allowedHosts = new ArrayList<>();
        private LatencyProfile latencyProfile = LatencyProfile.NONE;
        private double latencyScale = 1.0;
        private long latencySeed = Latency.DEFAULT_SEED;

        private Builder() {}

        /**
         * Adds the live service's request costs: {@link LatencyProfile#CLOUD} (an upload-and-load
         * ~2.1 s, a query ~400 ms), or {@link LatencyProfile#NONE} (default), or a profile of your
         * own. Changeable later via {@code latency()}.
         */
        public Builder latencyProfile(LatencyProfile profile) {
            this.latencyProfile = Objects.requireNonNull(profile);
            return this;
        }

        /** Multiplies every delay of the profile (e.g. 0.1 for fast tests); default 1. */
        public Builder latencyScale(double scale) {
            if (!(scale >= 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("latency scale must be >= 0, not " + scale);
            }
            this.latencyScale = scale;
            return this;
        }

        /** Seed of the latency draws (reproducible runs); default {@link Latency#DEFAULT_SEED}. */
        public Builder latencySeed(long seed) {
            this.latencySeed = seed;
            return this;
        }

        /**
         * Another host name clients may send in the {@code Host} header (with the server's port);
         * repeatable. Loopback names and {@link #host} are always accepted, others get 403.
         */
        public Builder allowHost(String name) {
            this.allowedHosts.add(Objects.requireNonNull(name));
            return this;
        }

        /**
         * Listen address; default {@code 127.0.0.1}. A non-loopback address needs an {@link
         * #apiKey} of your own: {@link #build} refuses it with the public default key.
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** Port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Data directory (created if missing); required. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** API key; default {@link #DEFAULT_API_KEY}. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey);
            return this;
        }

        /**
         * Adds a workspace id; call several times for several. Default {@link #DEFAULT_WORKSPACE}.
         */
        public Builder workspace(String workspaceId) {
            this.workspaces.add(Objects.requireNonNull(workspaceId));
            return this;
        }

        /** Lifetime of presigned storage URLs; default 30 min. */
        public Builder presignTtl(Duration ttl) {
            this.presignTtl = ttl;
            return this;
        }

        /** How long a finalized, unloaded upload stays loadable; default 24 h. */
        public Builder uploadTtl(Duration ttl) {
            this.uploadTtl = ttl;
            return this;
        }

        /** Minimum size of non-final multipart parts; default 5 MiB (as S3). */
        public Builder minPartSize(long bytes) {
            this.minPartSize = bytes;
            return this;
        }

        /** Largest declared size that gets a single-PUT upload; default 8 MiB. */
        public Builder singleUploadMaxBytes(long bytes) {
            this.singleUploadMaxBytes = bytes;
            return this;
        }

        /** Largest upload accepted; default 10 GiB. */
        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        /** Largest inline {@code data} of a load; default 2 MiB. */
        public Builder inlineMaxBytes(long bytes) {
            this.inlineMaxBytes = bytes;
            return this;
        }

        /**
         * What a re-sent, already consumed {@code upload_id} answers: {@link UploadReuse#REPLAY}
         * (default) or {@link UploadReuse#CONFLICT}. Changeable later via {@code readings()}.
         */
        public Builder uploadReuse(UploadReuse reuse) {
            this.uploadReuse = Objects.requireNonNull(reuse);
            return this;
        }

        /**
         * Whether a load that claimed its upload and then failed consumes the upload (default
         * false: the upload is released and can be loaded again).
         */
        public Builder failedLoadConsumesUpload(boolean consumes) {
            this.failedLoadConsumesUpload = consumes;
            return this;
        }

        /**
         * Whether the server offers {@code if_not_exists} on database create and {@code GET
         * /v1/databases/by-name} (default true; false = an older server). See {@link
         * ServerReadings#databaseNameLookup()}.
         */
        public Builder databaseNameLookup(boolean offered) {
            this.databaseNameLookup = offered;
            return this;
        }

        /**
         * Whether the table listing ({@code GET /v1/information_schema}) reports each table's
         * declared {@code key} (default false, as the public {@code TableInfo}). Changeable later
         * via {@code readings()}.
         */
        public Builder listingHasKey(boolean hasKey) {
            this.listingHasKey = hasKey;
            return this;
        }

        /**
         * What a load's write lock covers: {@link LockScope#DATABASE} (default) or {@link
         * LockScope#TABLE}. Changeable later via {@code readings()}; see {@link
         * ServerReadings#lockScope()}.
         */
        public Builder lockScope(LockScope scope) {
            this.lockScope = Objects.requireNonNull(scope);
            return this;
        }

        /**
         * The server, not started. {@link IllegalArgumentException} for a non-loopback {@link
         * #host} with the default API key.
         */
        public HotdataLocalServer build() {
            return new HotdataLocalServer(this);
        }
    }
}
