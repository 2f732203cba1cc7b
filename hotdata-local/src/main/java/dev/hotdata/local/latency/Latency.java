package dev.hotdata.local.latency;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The latency in force: a {@link LatencyProfile}, a scale factor and a seed; switchable at run
 * time, thread-safe, kept across {@code restart()}. Reached as {@code server.latency()}; set on the
 * builder, the command line ({@code --latency-profile cloud --latency-scale 0.1 --latency-seed 42})
 * and over HTTP ({@code POST /_local/latency}).
 *
 * <p>Each class draws from a {@link Random} of its own, seeded from the seed and the class: with a
 * fixed seed, the n-th draw of a class is the same whatever the other classes drew, so a sequential
 * client sees the same delays on every run. Every draw is recorded ({@link #draws}, {@link #count},
 * {@link #totalMillis}) so tests assert on the delays the server added rather than on wall-clock
 * time.
 *
 * <p>Where the delays happen (see the README): before the request's work, on the request's own
 * thread, holding no lock; the {@link RequestClass#LOAD_APPLY} part of a load while it holds the
 * database's write lock (as the live service, which refuses a second writer with 409 {@code
 * RESOURCE_LOCKED} for the load's duration); the {@link RequestClass#LOAD_LOCKED} refusal after the
 * claim is given back.
 */
public final class Latency {
    /** The seed used when none is given. */
    public static final long DEFAULT_SEED = 20261005L;

    /** How many draws of each class {@link #draws} keeps (the most recent). */
    public static final int KEPT_DRAWS = 65_536;

    private final LatencyProfile initialProfile;
    private final double initialScale;
    private final long initialSeed;
    private volatile State state;
    private final EnumMap<RequestClass, Record> records = new EnumMap<>(RequestClass.class);
    private final AtomicInteger pausing = new AtomicInteger();
    private final AtomicInteger maxPausing = new AtomicInteger();

    /** No latency ({@link LatencyProfile#NONE}). */
    public Latency() {
        this(LatencyProfile.NONE, 1.0, DEFAULT_SEED);
    }

    /** Starting from (and {@link #reset() resetting to}) the given profile, scale and seed. */
    public Latency(LatencyProfile profile, double scale, long seed) {
        checkScale(scale);
        this.initialProfile = Objects.requireNonNull(profile, "profile");
        this.initialScale = scale;
        this.initialSeed = seed;
        for (RequestClass c : RequestClass.values()) {
            records.put(c, new Record());
        }
        this.state = new State(profile, scale, seed);
    }

    public LatencyProfile profile() {
        return state.profile;
    }

    public double scale() {
        return state.scale;
    }

    public long seed() {
        return state.seed;
    }

    /** Switches profile, scale and seed at once; the draws restart from the seed. */
    public Latency set(LatencyProfile profile, double scale, long seed) {
        checkScale(scale);
        this.state = new State(Objects.requireNonNull(profile, "profile"), scale, seed);
        return this;
    }

    /** Switches the profile (keeps scale and seed; the draws restart from the seed). */
    public Latency profile(LatencyProfile profile) {
        State s = state;
        return set(profile, s.scale, s.seed);
    }

    /**
     * Multiplies every delay (0.1 = ten times faster, proportions kept; 0 = none); the draws
     * restart from the seed.
     */
    public Latency scale(double scale) {
        State s = state;
        return set(s.profile, scale, s.seed);
    }

    /** Reseeds the draws. */
    public Latency seed(long seed) {
        State s = state;
        return set(s.profile, s.scale, seed);
    }

    /** Back to what the builder / command line chose; the draws restart from the seed. */
    public Latency reset() {
        return set(initialProfile, initialScale, initialSeed);
    }

    /** Whether requests currently wait at all. */
    public boolean active() {
        State s = state;
        return s.scale > 0 && !s.profile.isNone();
    }

    /**
     * Draws (and records) the delay of one request of class {@code c} with a body of {@code
     * bodyBytes}, scaled, in nanoseconds; does not wait. 0 when the profile gives the class no
     * cost.
     */
    public long draw(RequestClass c, long bodyBytes) {
        State s = state;
        if (s.scale <= 0 || s.profile.isNone()) {
            return 0;
        }
        LatencyProfile.Figure f = s.profile.figure(c);
        double millis = 0;
        if (f != null) {
            Random r = s.randoms.get(c);
            synchronized (r) {
                millis = f.draw(r);
            }
        }
        double bps = s.profile.transferBytesPerSecond();
        if (bps > 0 && bodyBytes > 0) {
            millis += bodyBytes * 1000.0 / bps;
        }
        millis *= s.scale;
        if (millis <= 0) {
            return 0;
        }
        records.get(c).add(millis);
        return (long) (millis * 1_000_000);
    }

    /** Draws the delay of a class and waits it out on the calling thread. */
    public void pause(RequestClass c) throws InterruptedException {
        pause(c, 0);
    }

    /** Draws the delay of a request of class {@code c} with a body, and waits it out. */
    public void pause(RequestClass c, long bodyBytes) throws InterruptedException {
        long nanos = draw(c, bodyBytes);
        if (nanos <= 0) {
            return;
        }
        int now = pausing.incrementAndGet();
        maxPausing.accumulateAndGet(now, Math::max);
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } finally {
            pausing.decrementAndGet();
        }
    }

    /** {@link #pause(RequestClass, long)} for an HTTP request; control requests never wait. */
    public void pauseRequest(String method, String path, long bodyBytes)
            throws InterruptedException {
        if (!active()) {
            return;
        }
        RequestClass c = RequestClass.classify(method, path);
        if (c != null) {
            pause(c, bodyBytes);
        }
    }

    /** The recorded delays of a class in milliseconds, oldest first (at most the last 65,536). */
    public List<Double> draws(RequestClass c) {
        return records.get(c).draws();
    }

    /** How many delays of a class were drawn since the last {@link #clearRecords()}. */
    public long count(RequestClass c) {
        return records.get(c).count();
    }

    /** The sum of the delays of a class drawn since the last {@link #clearRecords()}, in ms. */
    public double totalMillis(RequestClass c) {
        return records.get(c).total();
    }

    /** The most requests that were waiting at once (a check that delays run in parallel). */
    public int maxConcurrentPauses() {
        return maxPausing.get();
    }

    /** Forgets the recorded draws and the concurrency peak (the draws' sequence goes on). */
    public void clearRecords() {
        for (Record r : records.values()) {
            r.clear();
        }
        maxPausing.set(pausing.get());
    }

    /**
     * {@code POST /_local/latency}: {@code {"profile":"none"|"cloud","scale":0.1,"seed":42}}, each
     * optional; the draws restart from the seed.
     */
    public void apply(JsonNode body) {
        State s = state;
        LatencyProfile profile = s.profile;
        double scale = s.scale;
        long seed = s.seed;
        JsonNode p = body.get("profile");
        if (p != null && !p.isNull()) {
            try {
                profile = LatencyProfile.named(p.asText(""));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("BAD_REQUEST", e.getMessage());
            }
        }
        JsonNode sc = body.get("scale");
        if (sc != null && !sc.isNull()) {
            if (!sc.isNumber() || !(sc.asDouble() >= 0) || Double.isInfinite(sc.asDouble())) {
                throw ApiException.badRequest("BAD_REQUEST", "scale must be a number >= 0");
            }
            scale = sc.asDouble();
        }
        JsonNode se = body.get("seed");
        if (se != null && !se.isNull()) {
            if (!se.canConvertToLong() || !se.isIntegralNumber()) {
                throw ApiException.badRequest("BAD_REQUEST", "seed must be an integer");
            }
            seed = se.asLong();
        }
        set(profile, scale, seed);
    }

    /** The JSON of {@code GET /_local/latency}: profile, scale, seed and each class's figures. */
    public ObjectNode toJson() {
        State s = state;
        ObjectNode out = Json.obj();
        out.put("profile", s.profile.name());
        out.put("scale", s.scale);
        out.put("seed", s.seed);
        out.put("transfer_bytes_per_second", s.profile.transferBytesPerSecond());
        ArrayNode classes = out.putArray("classes");
        for (RequestClass c : RequestClass.values()) {
            LatencyProfile.Figure f = s.profile.figure(c);
            ObjectNode o = classes.addObject();
            o.put("class", c.wireName());
            o.put("median_ms", f == null ? 0 : f.medianMillis() * s.scale);
            o.put("p95_ms", f == null ? 0 : f.p95Millis() * s.scale);
            o.put("count", count(c));
            o.put("total_ms", totalMillis(c));
        }
        return out;
    }

    @Override
    public String toString() {
        State s = state;
        return s.profile.isNone()
                ? "none"
                : String.format(Locale.ROOT, "%s x%s (seed %d)", s.profile, s.scale, s.seed);
    }

    private static void checkScale(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("latency scale must be >= 0, not " + scale);
        }
    }

    /** One configuration with its generators (replaced whole on every change). */
    private static final class State {
        final LatencyProfile profile;
        final double scale;
        final long seed;
        final EnumMap<RequestClass, Random> randoms = new EnumMap<>(RequestClass.class);

        State(LatencyProfile profile, double scale, long seed) {
            this.profile = profile;
            this.scale = scale;
            this.seed = seed;
            for (RequestClass c : RequestClass.values()) {
                randoms.put(c, new Random(streamSeed(seed, c)));
            }
        }
    }

    /** The seed of a class's own stream (a SplitMix64 step of seed and class). */
    static long streamSeed(long seed, RequestClass c) {
        long z = seed + (c.ordinal() + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The recorded draws of one class. */
    private static final class Record {
        private final double[] ring = new double[KEPT_DRAWS];
        private long count;
        private double total;

        synchronized void add(double millis) {
            ring[(int) (count % KEPT_DRAWS)] = millis;
            count++;
            total += millis;
        }

        synchronized long count() {
            return count;
        }

        synchronized double total() {
            return total;
        }

        synchronized List<Double> draws() {
            int n = (int) Math.min(count, KEPT_DRAWS);
            List<Double> out = new ArrayList<>(n);
            for (long i = count - n; i < count; i++) {
                out.add(ring[(int) (i % KEPT_DRAWS)]);
            }
            return out;
        }

        synchronized void clear() {
            count = 0;
            total = 0;
        }
    }
}
