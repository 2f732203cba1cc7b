package dev.hotdata.local.api;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Opaque ids in the service's format: a 4-letter prefix plus 26 lower-case alphanumerics. */
public final class Ids {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId(String prefix) {
        return prefix + random(26);
    }

    public static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static final java.util.concurrent.atomic.AtomicLong LAST_MICROS =
            new java.util.concurrent.atomic.AtomicLong();

    /** Current time as an RFC 3339 string (UTC, millisecond precision). */
    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /**
     * Current time as an RFC 3339 string with microseconds, strictly later than every earlier
     * answer in this process: creation times that order creations (databases), so that "the
     * earliest created" cannot be reversed by a later arrival within the same millisecond.
     */
    public static String strictlyIncreasingNow() {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long taken = LAST_MICROS.accumulateAndGet(micros, (last, t) -> Math.max(last + 1, t));
        return Instant.ofEpochSecond(taken / 1_000_000L, (taken % 1_000_000L) * 1_000L).toString();
    }
}
