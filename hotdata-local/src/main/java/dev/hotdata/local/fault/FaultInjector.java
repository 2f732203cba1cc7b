package dev.hotdata.local.fault;

import dev.hotdata.local.api.Identifiers;
import dev.hotdata.local.api.ServerSettings;
import dev.hotdata.local.load.WriteLocks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Scriptable faults for tests: failing, delaying or "apply then drop" the next N matching requests,
 * holding a database's write lock, expiring presigned URLs, slowing result persistence. Rules match
 * the HTTP method ({@code null} or {@code "*"} = any) and a regex that must match the whole request
 * path (no query string). Survives {@code restart()}.
 */
public final class FaultInjector {
    /** Pass as {@code times} for a rule that never runs out. */
    public static final int ALWAYS = Integer.MAX_VALUE;

    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger reapplied = new AtomicInteger();
    private final AtomicInteger failedAfterClaim = new AtomicInteger();
    private final Supplier<WriteLocks> locks;
    private final ServerSettings settings;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "hotdata-local-faults");
                        t.setDaemon(true);
                        return t;
                    });

    public FaultInjector(Supplier<WriteLocks> locks, ServerSettings settings) {
        this.locks = locks;
        this.settings = settings;
    }

    /** The next {@code times} matching requests answer {@code status} with a JSON error. */
    public FaultRule failNext(int times, String method, String pathRegex, int status) {
        return failNext(times, method, pathRegex, status, null, null);
    }

    /**
     * Like {@link #failNext(int, String, String, int)}, with a {@code Retry-After} header (seconds,
     * may be null) and an {@code error.code} (null = derived from the status).
     */
    public FaultRule failNext(
            int times,
            String method,
            String pathRegex,
            int status,
            Integer retryAfterSeconds,
            String errorCode) {
        return add(
                new FaultRule(
                        FaultRule.Kind.FAIL,
                        times,
                        method,
                        pathRegex,
                        status,
                        retryAfterSeconds,
                        errorCode,
                        null));
    }

    /** The next {@code times} matching requests are delayed before they run. */
    public FaultRule delayNext(int times, String method, String pathRegex, Duration delay) {
        return add(
                new FaultRule(
                        FaultRule.Kind.DELAY, times, method, pathRegex, 0, null, null, delay));
    }

    /**
     * The next {@code times} matching requests are fully applied, then the connection is cut: the
     * status line and headers (with a Content-Length) are sent, the body is not.
     */
    public FaultRule dropAfterApply(int times, String method, String pathRegex) {
        return add(
                new FaultRule(
                        FaultRule.Kind.DROP_AFTER_APPLY,
                        times,
                        method,
                        pathRegex,
                        0,
                        null,
                        null,
                        null));
    }

    /**
     * Takes the database's write lock until {@link LockHold#release()} (waits up to 30 s for the
     * loads running in it to end). Under both lock scopes every load into the database answers 409
     * {@code RESOURCE_LOCKED} meanwhile: under {@code TABLE} it holds every table of the database,
     * including tables that do not exist yet.
     */
    public LockHold holdLock(String databaseId) {
        WriteLocks l = locks.get();
        WriteLocks.Held held;
        try {
            held = l.acquireDatabase(databaseId, 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (held == null) {
            throw new IllegalStateException("write lock of " + databaseId + " not free in 30 s");
        }
        return new LockHold(databaseId, () -> l.release(held));
    }

    /** Takes the database's write lock and releases it after {@code duration}. */
    public LockHold holdLock(String databaseId, Duration duration) {
        LockHold hold = holdLock(databaseId);
        timer.schedule(hold::release, duration.toMillis(), TimeUnit.MILLISECONDS);
        return hold;
    }

    /**
     * Takes one table's write lock until {@link LockHold#release()}, as a load of that table
     * running would (waits up to 30 s): loads into that table answer 409 {@code RESOURCE_LOCKED};
     * loads into other tables of the database do too under lock scope {@code DATABASE}, not under
     * {@code TABLE}.
     */
    public LockHold holdTableLock(String databaseId, String schema, String table) {
        String s = Identifiers.normalize("schema", schema);
        String t = Identifiers.normalize("table", table);
        WriteLocks l = locks.get();
        WriteLocks.Held held;
        try {
            held = l.acquireTable(databaseId, s, t, 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (held == null) {
            throw new IllegalStateException(
                    "write lock of " + databaseId + " " + s + "." + t + " not free in 30 s");
        }
        return new LockHold(databaseId, () -> l.release(held));
    }

    /** Takes one table's write lock and releases it after {@code duration}. */
    public LockHold holdTableLock(
            String databaseId, String schema, String table, Duration duration) {
        LockHold hold = holdTableLock(databaseId, schema, table);
        timer.schedule(hold::release, duration.toMillis(), TimeUnit.MILLISECONDS);
        return hold;
    }

    /** Lifetime of presigned storage URLs minted from now on (e.g. 1 ms to make them expire). */
    public void presignTtl(Duration ttl) {
        settings.presignTtl(ttl);
    }

    /** Query results stay {@code processing} this long before becoming {@code ready}. */
    public void resultDelay(Duration delay) {
        settings.resultDelay(delay);
    }

    /**
     * The next {@code times} loads stop dead after placing the uploaded file in the table directory
     * and before the state write, leaving the disk as a server killed at that moment would (no
     * clean-up, no answer). Restart the server afterwards, as after a real crash.
     */
    public void crashBeforePublish(int times) {
        settings.crashBeforePublish(times);
    }

    /**
     * Every upload that exists now (ready or consumed) counts as {@code by} older for the upload
     * TTL checks: ready uploads expire, consumed uploads' receipts are forgotten (404 {@code
     * UPLOAD_NOT_FOUND}) without waiting. Kept across {@code restart()}; {@link #clear()} undoes
     * it.
     */
    public void ageUploads(Duration by) {
        settings.ageUploads(by);
    }

    /**
     * A deliberately broken server: the next {@code times} loads that name an already consumed
     * upload load it again (as if the claim were missing) and answer 200. Used to prove that
     * duplicate detectors work. It re-reads the table file the consuming load published, so it
     * fires only while the table still holds that file (append / upsert / replace of the upload,
     * not update / delete); otherwise the load is answered as usual and the rule does not count.
     */
    public FaultRule reapplyConsumedUploads(int times) {
        return add(
                new FaultRule(
                        FaultRule.Kind.REAPPLY_CONSUMED,
                        times,
                        "POST",
                        ".*/loads",
                        0,
                        null,
                        null,
                        null));
    }

    /**
     * The next {@code times} loads of an {@code upload_id} claim their upload (after taking the
     * write lock), then fail with {@code status} / {@code code} without applying anything; the
     * upload is then consumed or released as {@code readings().failedLoadConsumesUpload()} says.
     */
    public FaultRule failAfterClaim(int times, int status, String code) {
        return add(
                new FaultRule(
                        FaultRule.Kind.FAIL_AFTER_CLAIM,
                        times,
                        "POST",
                        ".*/loads",
                        status,
                        null,
                        code,
                        null));
    }

    /**
     * The next {@code times} loads of an {@code upload_id} hold their claim (and the database's
     * write lock) for {@code delay} before they work: a load "in flight", for racing a second load
     * of the same upload against it (that one answers 409 {@code CONFLICT}).
     */
    public FaultRule delayAfterClaim(int times, Duration delay) {
        return delayAfterClaim(times, ".*/loads", delay);
    }

    /**
     * Like {@link #delayAfterClaim(int, Duration)} for the loads whose path {@code
     * /v1/databases/{id}/schemas/{schema}/tables/{table}/loads} (whichever route the load came by;
     * normalized names) matches {@code pathRegex}, e.g. {@code
     * "/v1/databases/[^/]+/schemas/public/tables/a/loads"}. {@link FaultRule#release()} ends the
     * holds early: with a long delay, a load held until the test says so.
     */
    public FaultRule delayAfterClaim(int times, String pathRegex, Duration delay) {
        return add(
                new FaultRule(
                        FaultRule.Kind.DELAY_AFTER_CLAIM,
                        times,
                        "POST",
                        pathRegex,
                        0,
                        null,
                        null,
                        delay));
    }

    /**
     * Internal (load service): waits out the delay-after-claim that applies to a load of this
     * (canonical) path, if any.
     */
    public void delayAfterClaim(String loadPath) throws InterruptedException {
        for (FaultRule r : rules) {
            if (r.kind() == FaultRule.Kind.DELAY_AFTER_CLAIM && r.tryApply("POST", loadPath)) {
                rules.removeIf(x -> x.remaining() <= 0);
                r.awaitDelay();
                return;
            }
        }
    }

    /** Loads re-applied by {@link #reapplyConsumedUploads(int)} since the last {@link #clear()}. */
    public int reappliedLoads() {
        return reapplied.get();
    }

    /**
     * Loads failed by {@link #failAfterClaim(int, int, String)} since the last {@link #clear()}.
     */
    public int failedAfterClaim() {
        return failedAfterClaim.get();
    }

    /** Internal (load service): whether this re-sent consumed-upload load is to be re-applied. */
    public boolean takeReapplyConsumed() {
        for (FaultRule r : rules) {
            if (r.kind() == FaultRule.Kind.REAPPLY_CONSUMED && r.tryTake()) {
                reapplied.incrementAndGet();
                rules.removeIf(x -> x.remaining() <= 0);
                return true;
            }
        }
        return false;
    }

    /** Internal (load service): the fail-after-claim rule that applies to this load, or null. */
    public FaultRule takeFailAfterClaim() {
        for (FaultRule r : rules) {
            if (r.kind() == FaultRule.Kind.FAIL_AFTER_CLAIM && r.tryTake()) {
                failedAfterClaim.incrementAndGet();
                rules.removeIf(x -> x.remaining() <= 0);
                return r;
            }
        }
        return null;
    }

    /**
     * Removes all rules (held locks stay held until released), forgets {@link
     * #ageUploads(Duration)} and resets the fault counters.
     */
    public void clear() {
        for (FaultRule r : rules) {
            r.cancel();
            r.release(); // no load stays held by a cleared rule
        }
        rules.clear();
        settings.clearUploadAging();
        reapplied.set(0);
        failedAfterClaim.set(0);
    }

    /** The rules still armed. */
    public List<FaultRule> rules() {
        List<FaultRule> out = new ArrayList<>();
        for (FaultRule r : rules) {
            if (r.remaining() > 0) {
                out.add(r);
            }
        }
        return out;
    }

    /** What applies to one request: consumed matching rules, in registration order. */
    public Decision decide(String method, String path) {
        Decision d = new Decision();
        for (FaultRule r : rules) {
            if (r.kind() == FaultRule.Kind.REAPPLY_CONSUMED
                    || r.kind() == FaultRule.Kind.FAIL_AFTER_CLAIM
                    || r.kind() == FaultRule.Kind.DELAY_AFTER_CLAIM) {
                continue; // applied by the load service, not per request
            }
            if (r.kind() == FaultRule.Kind.FAIL && d.fail != null) {
                continue;
            }
            if (r.kind() == FaultRule.Kind.DROP_AFTER_APPLY && d.drop) {
                continue;
            }
            if (!r.tryApply(method, path)) {
                continue;
            }
            switch (r.kind()) {
                case FAIL:
                    d.fail = r;
                    break;
                case DELAY:
                    d.delayMillis += r.delay().toMillis();
                    break;
                default:
                    d.drop = true;
                    break;
            }
        }
        rules.removeIf(r -> r.remaining() <= 0);
        return d;
    }

    private FaultRule add(FaultRule r) {
        rules.add(r);
        return r;
    }

    /** Internal: the faults that apply to one request. */
    public static final class Decision {
        public FaultRule fail;
        public long delayMillis;
        public boolean drop;
    }
}
