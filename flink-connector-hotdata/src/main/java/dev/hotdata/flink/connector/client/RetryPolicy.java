package dev.hotdata.flink.connector.client;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long the client retries a transient failure (see {@link
 * HotdataException#isTransient()}): exponential back-off with jitter, bounded both by a number of
 * retries and by an overall deadline per call, whichever comes first.
 *
 * <p>Immutable and serializable, so it can travel inside a Flink job graph.
 */
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;
    private final Duration deadline;

    private RetryPolicy(Builder b) {
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.deadline = b.deadline;
    }

    /**
     * The default policy: 5 retries, 1 s initial back-off doubling up to 60 s, jitter 0.5, at most
     * 5 minutes per call.
     */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** A policy that never retries. */
    public static RetryPolicy none() {
        return builder().maxRetries(0).build();
    }

    /** A builder pre-filled with the {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this policy's values. */
    public Builder toBuilder() {
        return new Builder()
                .maxRetries(maxRetries)
                .initialBackoff(initialBackoff)
                .maxBackoff(maxBackoff)
                .multiplier(multiplier)
                .jitter(jitter)
                .deadline(deadline);
    }

    /** Maximum number of retries after the first attempt (0 = no retry). */
    public int maxRetries() {
        return maxRetries;
    }

    /** Back-off before the first retry (before jitter). */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Upper bound of the computed back-off (a server's {@code Retry-After} may exceed it). */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Growth factor of the back-off per retry. */
    public double multiplier() {
        return multiplier;
    }

    /** Fraction (0..1) of the back-off that is randomised away, to spread concurrent retries. */
    public double jitter() {
        return jitter;
    }

    /** Overall time budget of one call including all its retries. */
    public Duration deadline() {
        return deadline;
    }

    /**
     * The pause before retry number {@code attempt} (1 = first retry): {@code initialBackoff ×
     * multiplier^(attempt-1)}, capped at {@code maxBackoff}, reduced by a random fraction of up to
     * {@code jitter}; never shorter than the server's {@code Retry-After}.
     *
     * @param attempt the retry number, starting at 1
     * @param retryAfterOrNull the server's {@code Retry-After}, or {@code null}
     */
    public Duration backoff(int attempt, Duration retryAfterOrNull) {
        int n = Math.max(1, attempt);
        double base = initialBackoff.toMillis() * Math.pow(multiplier, n - 1);
        double capped = Math.min(base, (double) maxBackoff.toMillis());
        double factor = 1.0 - jitter * ThreadLocalRandom.current().nextDouble();
        long millis = Math.max(0L, Math.round(capped * factor));
        Duration computed = Duration.ofMillis(millis);
        if (retryAfterOrNull != null && retryAfterOrNull.compareTo(computed) > 0) {
            return retryAfterOrNull;
        }
        return computed;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RetryPolicy)) {
            return false;
        }
        RetryPolicy that = (RetryPolicy) o;
        return maxRetries == that.maxRetries
                && Double.compare(multiplier, that.multiplier) == 0
                && Double.compare(jitter, that.jitter) == 0
                && initialBackoff.equals(that.initialBackoff)
                && maxBackoff.equals(that.maxBackoff)
                && deadline.equals(that.deadline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRetries, initialBackoff, maxBackoff, multiplier, jitter, deadline);
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxRetries="
                + maxRetries
                + ", initialBackoff="
                + initialBackoff
                + ", maxBackoff="
                + maxBackoff
                + ", multiplier="
                + multiplier
                + ", jitter="
                + jitter
                + ", deadline="
                + deadline
                + '}';
    }

    /** Builder of {@link RetryPolicy}; starts from the defaults. */
    public static final class Builder {
        private int maxRetries = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private double multiplier = 2.0;
        private double jitter = 0.5;
        private Duration deadline = Duration.ofMinutes(5);

        private Builder() {}

        /** Retries after the first attempt; 0 disables retries. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** Back-off before the first retry. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
            return this;
        }

        /** Cap of the computed back-off. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
            return this;
        }

        /** Growth factor per retry, >= 1. */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Random fraction in [0, 1] taken off each back-off. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Overall time budget of one call including its retries. */
        public Builder deadline(Duration deadline) {
            this.deadline = nonNegative(deadline, "deadline");
            return this;
        }

        /** Builds the policy. */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "maxBackoff ("
                                + maxBackoff
                                + ") < initialBackoff ("
                                + initialBackoff
                                + ")");
            }
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }
    }
}
