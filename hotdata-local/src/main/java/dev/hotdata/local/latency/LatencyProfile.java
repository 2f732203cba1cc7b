package dev.hotdata.local.latency;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * What each {@link RequestClass} costs: a lognormal distribution given by its median and 95th
 * percentile, plus a transfer cost per request body byte. Immutable.
 *
 * <p>{@link #CLOUD} is calibrated on the published measurements of the live service
 * (hotdata-dev/hotmemory {@code docs/guarantees.md}, M3 / M4 / M5, 2026-10-05; see hotdata-local's
 * README, "Latency profile", for the figure of each class and its source):
 *
 * <ul>
 *   <li>the four requests of one single-row upload-and-append load (create upload, PUT, finalize,
 *       load) add up to a median of about 2.11 s and a p95 of about 2.6 s (M4: 2,136 / 2,614 ms,
 *       minus the 24 / 29 ms the same calls cost against a local engine, which hotdata-local's own
 *       work stands in for);
 *   <li>a query request costs about 400 ms (M5: "the floor of one query request");
 *   <li>two serialised writers loading one table at once, retrying 409 with a back-off of 0.25 s
 *       doubling, pay about 2.6 to 3.0 s a load with 3 to 5 refusals each (M3): reproduced by the
 *       split of the load in {@link RequestClass#LOAD_ACCEPT} (before the lock) and {@link
 *       RequestClass#LOAD_APPLY} (holding it), and the {@link RequestClass#LOAD_LOCKED} refusal;
 *   <li>transfer: about 0.4 MB/s of request body (M5: 25 MB and 2.5 MB loads took 62.9 s and 7.5 s,
 *       so about 2.46 s per extra MB; this is the measuring client's uplink).
 * </ul>
 */
public final class LatencyProfile {

    /** z of the 95th percentile of the standard normal distribution. */
    static final double Z95 = 1.6448536269514722;

    /** No added latency: hotdata-local answers as fast as it works (the default). */
    public static final LatencyProfile NONE = builder("none").build();

    /** The live service's costs (see the class comment). */
    public static final LatencyProfile CLOUD =
            builder("cloud")
                    .figure(RequestClass.UPLOAD_CREATE, 300, 450)
                    .figure(RequestClass.UPLOAD_PARTS, 300, 450)
                    .figure(RequestClass.STORAGE_PUT, 150, 225)
                    .figure(RequestClass.UPLOAD_FINALIZE, 300, 450)
                    .figure(RequestClass.LOAD_ACCEPT, 660, 990)
                    .figure(RequestClass.LOAD_APPLY, 660, 990)
                    .figure(RequestClass.LOAD_LOCKED, 400, 600)
                    .figure(RequestClass.QUERY, 400, 600)
                    .figure(RequestClass.RESULT, 300, 450)
                    .figure(RequestClass.OTHER, 300, 450)
                    .transferBytesPerSecond(400_000)
                    .build();

    private final String name;
    private final Map<RequestClass, Figure> figures;
    private final double transferBytesPerSecond;

    private LatencyProfile(Builder b) {
        this.name = b.name;
        this.figures = Collections.unmodifiableMap(new EnumMap<>(b.figures));
        this.transferBytesPerSecond = b.transferBytesPerSecond;
    }

    /** {@code none} or {@code cloud} (case-insensitive); {@link IllegalArgumentException} else. */
    public static LatencyProfile named(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none":
                return NONE;
            case "cloud":
                return CLOUD;
            default:
                throw new IllegalArgumentException(
                        "latency profile must be none or cloud, not " + name);
        }
    }

    /** A profile of your own (tests, what-if benchmarks). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The distribution of a class, or null when the class costs nothing in this profile. */
    public Figure figure(RequestClass c) {
        return figures.get(c);
    }

    /** Bytes per second of request body, or 0 when bodies cost nothing. */
    public double transferBytesPerSecond() {
        return transferBytesPerSecond;
    }

    /** Whether this profile adds nothing to any request. */
    public boolean isNone() {
        return figures.isEmpty() && transferBytesPerSecond <= 0;
    }

    /** One line per class: {@code load_accept median 660 ms p95 990 ms}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<RequestClass, Figure> e : figures.entrySet()) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-16s median %5.0f ms  p95 %5.0f ms%n",
                            e.getKey().wireName(),
                            e.getValue().medianMillis(),
                            e.getValue().p95Millis()));
        }
        if (transferBytesPerSecond > 0) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-16s %.0f bytes/s of request body%n",
                            "transfer",
                            transferBytesPerSecond));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * A lognormal distribution fitted to a median and a 95th percentile: {@code median · exp(sigma
     * · N(0,1))} with {@code sigma = ln(p95 / median) / 1.645}. A p95 equal to the median gives a
     * constant.
     */
    public static final class Figure {
        private final double medianMillis;
        private final double p95Millis;
        private final double sigma;

        public Figure(double medianMillis, double p95Millis) {
            if (!(medianMillis >= 0) || !(p95Millis >= medianMillis)) {
                throw new IllegalArgumentException(
                        "need 0 <= median <= p95, got " + medianMillis + " / " + p95Millis);
            }
            this.medianMillis = medianMillis;
            this.p95Millis = p95Millis;
            this.sigma = medianMillis == 0 ? 0 : Math.log(p95Millis / medianMillis) / Z95;
        }

        public double medianMillis() {
            return medianMillis;
        }

        public double p95Millis() {
            return p95Millis;
        }

        /** The lognormal's sigma (0 for a constant). */
        public double sigma() {
            return sigma;
        }

        /** One draw, in milliseconds. */
        public double draw(Random random) {
            if (sigma == 0) {
                return medianMillis;
            }
            return medianMillis * Math.exp(sigma * random.nextGaussian());
        }
    }

    /** Builds a {@link LatencyProfile}. */
    public static final class Builder {
        private final String name;
        private final EnumMap<RequestClass, Figure> figures = new EnumMap<>(RequestClass.class);
        private double transferBytesPerSecond;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        /** The class costs a lognormal draw with this median and p95 (milliseconds). */
        public Builder figure(RequestClass c, double medianMillis, double p95Millis) {
            figures.put(Objects.requireNonNull(c), new Figure(medianMillis, p95Millis));
            return this;
        }

        /** Request bodies cost {@code bytes / bytesPerSecond} on top (0 = nothing). */
        public Builder transferBytesPerSecond(double bytesPerSecond) {
            if (!(bytesPerSecond >= 0)) {
                throw new IllegalArgumentException("bytesPerSecond must be >= 0");
            }
            this.transferBytesPerSecond = bytesPerSecond;
            return this;
        }

        public LatencyProfile build() {
            return new LatencyProfile(this);
        }
    }
}
