package dev.hotdata.local.fault;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * One scripted fault: applies to the next {@code times} requests whose method and path match.
 * Returned by {@link FaultInjector} so tests can ask how often it fired.
 */
public final class FaultRule {
    /** What the rule does to a matching request. */
    public enum Kind {
        /** Answer a status without running the request. */
        FAIL,
        /** Sleep before running the request. */
        DELAY,
        /** Run the request, then cut the connection instead of sending the body. */
        DROP_AFTER_APPLY,
        /** A load naming an already consumed upload applies it again (a broken server). */
        REAPPLY_CONSUMED,
        /** An upload load claims its upload, then fails with the rule's status and code. */
        FAIL_AFTER_CLAIM,
        /** An upload load holds its claim (and the write lock) a while before it works. */
        DELAY_AFTER_CLAIM
    }

    private final Kind kind;
    private final String method;
    private final Pattern path;
    private final AtomicInteger remaining;
    private final AtomicInteger hits = new AtomicInteger();
    private final int status;
    private final Integer retryAfterSeconds;
    private final String errorCode;
    private final Duration delay;
    private final CountDownLatch released = new CountDownLatch(1);

    FaultRule(
            Kind kind,
            int times,
            String method,
            String pathRegex,
            int status,
            Integer retryAfterSeconds,
            String errorCode,
            Duration delay) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1");
        }
        this.kind = kind;
        this.method = method == null || method.equals("*") ? null : method.toUpperCase();
        this.path = Pattern.compile(pathRegex);
        this.remaining = new AtomicInteger(times);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.errorCode = errorCode;
        this.delay = delay;
    }

    /** Consumes one use if the request matches and uses are left. */
    boolean tryApply(String requestMethod, String requestPath) {
        if (method != null && !method.equalsIgnoreCase(requestMethod)) {
            return false;
        }
        if (!path.matcher(requestPath).matches()) {
            return false;
        }
        return tryTake();
    }

    /** Consumes one use if uses are left (rules that are not matched by request path). */
    boolean tryTake() {
        while (true) {
            int r = remaining.get();
            if (r <= 0) {
                return false;
            }
            if (r == Integer.MAX_VALUE || remaining.compareAndSet(r, r - 1)) {
                hits.incrementAndGet();
                return true;
            }
        }
    }

    public Kind kind() {
        return kind;
    }

    /** Uses left ({@link Integer#MAX_VALUE} = unlimited). */
    public int remaining() {
        return remaining.get();
    }

    /** How many requests this rule has affected. */
    public int hits() {
        return hits.get();
    }

    /** Disarms the rule. */
    public void cancel() {
        remaining.set(0);
    }

    /**
     * Ends the waits this rule is causing now and later ({@link Kind#DELAY_AFTER_CLAIM}: the loads
     * holding their claim and lock go on at once).
     */
    public void release() {
        released.countDown();
    }

    /** Waits for the rule's delay, or less if {@link #release()}d (load service). */
    void awaitDelay() throws InterruptedException {
        released.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    public int status() {
        return status;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String errorCode() {
        return errorCode;
    }

    public Duration delay() {
        return delay;
    }

    @Override
    public String toString() {
        return "FaultRule{" + kind + " " + method + " " + path + " remaining=" + remaining + "}";
    }
}
