package dev.hotdata.local.api;

import java.time.Duration;
import java.util.List;

/**
 * Settings shared by the server's components. The mutable ones (presign TTL, result delay) are
 * changed at run time by the fault injector and survive a restart.
 */
public final class ServerSettings {
    public static final long MIB = 1024L * 1024L;

    private final String apiKey;
    private final List<String> workspaces;
    private final Duration uploadTtl;
    private final long minPartSize;
    private final long singleUploadMaxBytes;
    private final long maxUploadBytes;
    private final long inlineMaxBytes;
    private volatile Duration presignTtl;
    private volatile Duration resultDelay = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicInteger crashesBeforePublish =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile String endpoint;
    private volatile java.util.Set<String> allowedHosts = java.util.Collections.emptySet();
    private volatile dev.hotdata.local.latency.Latency latency =
            new dev.hotdata.local.latency.Latency();

    /** Test aging of uploads: {at millis, by millis} pairs (fault {@code ageUploads}). */
    private final java.util.List<long[]> uploadAging =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public ServerSettings(
            String apiKey,
            List<String> workspaces,
            Duration presignTtl,
            Duration uploadTtl,
            long minPartSize,
            long singleUploadMaxBytes,
            long maxUploadBytes,
            long inlineMaxBytes) {
        this.apiKey = apiKey;
        this.workspaces = workspaces;
        this.presignTtl = presignTtl;
        this.uploadTtl = uploadTtl;
        this.minPartSize = minPartSize;
        this.singleUploadMaxBytes = singleUploadMaxBytes;
        this.maxUploadBytes = maxUploadBytes;
        this.inlineMaxBytes = inlineMaxBytes;
    }

    /** Constant-time comparison with the configured key (the key itself is never exposed). */
    public boolean keyMatches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return java.security.MessageDigest.isEqual(
                apiKey.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public List<String> workspaces() {
        return workspaces;
    }

    public Duration presignTtl() {
        return presignTtl;
    }

    public void presignTtl(Duration ttl) {
        this.presignTtl = ttl;
    }

    public Duration uploadTtl() {
        return uploadTtl;
    }

    public long minPartSize() {
        return minPartSize;
    }

    public long singleUploadMaxBytes() {
        return singleUploadMaxBytes;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    public long inlineMaxBytes() {
        return inlineMaxBytes;
    }

    public Duration resultDelay() {
        return resultDelay;
    }

    public void resultDelay(Duration d) {
        this.resultDelay = d;
    }

    /** The latency profile in force (none by default; kept across restarts). */
    public dev.hotdata.local.latency.Latency latency() {
        return latency;
    }

    public void latency(dev.hotdata.local.latency.Latency latency) {
        this.latency = java.util.Objects.requireNonNull(latency);
    }

    public String endpoint() {
        return endpoint;
    }

    public void endpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * The {@code Host} header values the server answers: its loopback names and its configured
     * host, each with the bound port (lower case). Set at start, when the port is known.
     */
    public void allowedHosts(java.util.Set<String> hosts) {
        this.allowedHosts = java.util.Collections.unmodifiableSet(new java.util.HashSet<>(hosts));
    }

    /**
     * Whether a request's {@code Host} header names this server (a DNS-rebinding defence: a page of
     * another origin reaching the loopback port sends its own host name).
     */
    public boolean hostAllowed(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        return allowedHosts.contains(hostHeader.trim().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Largest API request body read (JSON): the inline data limit, room for its JSON escaping, and
     * 1 MiB for the rest.
     */
    public long maxApiBodyBytes() {
        return 2 * inlineMaxBytes + MIB;
    }

    @Override
    public String toString() {
        return "ServerSettings{workspaces=" + workspaces + ", apiKey=<redacted>}";
    }

    /** Arms the next {@code times} loads to stop dead before their state write (a fault). */
    public void crashBeforePublish(int times) {
        crashesBeforePublish.set(times);
    }

    /** Whether this load is one armed by {@link #crashBeforePublish(int)}; disarms it. */
    public boolean takeCrashBeforePublish() {
        return crashesBeforePublish.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** Every upload existing now counts as {@code by} older for TTL checks (a fault). */
    public void ageUploads(Duration by) {
        uploadAging.add(new long[] {System.currentTimeMillis(), by.toMillis()});
    }

    /** Forgets {@link #ageUploads(Duration)}. */
    public void clearUploadAging() {
        uploadAging.clear();
    }

    /**
     * Age of an upload event (finalize, consumption) that happened at {@code sinceMillis}, counting
     * the {@link #ageUploads(Duration)} calls made at or after it.
     */
    public long uploadAgeMillis(long sinceMillis) {
        long age = System.currentTimeMillis() - sinceMillis;
        for (long[] a : uploadAging) {
            if (a[0] >= sinceMillis) {
                age += a[1];
            }
        }
        return age;
    }

    /** Whether an upload event at {@code sinceMillis} is older than the upload TTL. */
    public boolean uploadExpired(long sinceMillis) {
        return uploadAgeMillis(sinceMillis) > uploadTtl.toMillis();
    }
}
