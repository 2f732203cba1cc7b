package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataErrorCodes;
import dev.hotdata.flink.connector.client.HotdataException;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The commits of one job's sinks into one Hotdata database, within a JVM: a checkpoint's commits of
 * all of them run as one batch, with one {@code _flink_commits} append for all their rows.
 *
 * <p>Each load costs about a second on the real service and holds the database's write lock for
 * part of it (per table or per database: public sources disagree). Committed one sink after the
 * other, every sink paid its own log append and waited for the others' loads and appends. Here the
 * first committer to submit checkpoint N (the leader) waits a short bounded time ({@link
 * #GATHER_WAIT}) for the other members' submissions of N, which Flink notifies of the same
 * checkpoint at about the same time, then, holding the JVM's lock of the database ({@link
 * HotdataDatabaseLocks}) for the whole batch: runs each member's publish step; appends one log load
 * carrying the row of every member whose publish succeeded; runs their finish steps; and hands each
 * member its own outcome.
 *
 * <p>Whether the members' loads may run at the same time depends on the server's write lock, which
 * public sources put per table or per database (newer evidence row 4). The group starts by trying:
 * each member's {@link Step#prepare() prepare} runs in turn on the leader's thread, then the
 * members' {@link Step#publish() publish} steps run at once on up to {@link #MAX_LOAD_THREADS}
 * threads, members into the same table one after the other on one thread (their loads would meet
 * each other's lock, and an insert-only publish must see the rows the previous one added). If any
 * member's client met a 409 {@code RESOURCE_LOCKED} meanwhile (the client retried it, so the loads
 * still landed), the server locks wider than a table, or someone else writes the database: the
 * group remembers it and from then on runs every member's prepare and publish in turn, as a lone
 * committer would. The log append always comes after every publish of the batch. A member whose
 * publish failed gets its error and no row; the rows of the others are appended all the same. If
 * the append fails, every member that published gets that failure and publishes again on its retry
 * (the server's one-time claim makes that safe), as a lone committer would.
 *
 * <p>The wait ends as soon as every member expected for N has arrived: those that took part in the
 * group's latest checkpoint before N (a sink whose checkpoint was empty gets no commit call, so an
 * idle member is not waited for), except members that already submitted N or later (a retry), and
 * members whose last commit ran on the leader's own thread (chained operators are notified one
 * after the other: waiting for them could only time out). A member that does not arrive (a failed
 * task, a slow notification) costs at most {@link #GATHER_WAIT} and then commits in a batch of its
 * own. Committers of other jobs, or in other JVMs, never share a batch: they take turns on the
 * JVM's lock, or meet the server's lock (correct, one log append each).
 */
@Internal
final class HotdataDatabaseCommits {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataDatabaseCommits.class);

    /** How long a leader waits for the other members' submissions of a checkpoint. */
    static final Duration GATHER_WAIT = Duration.ofMillis(200);

    /** How often a member submits again when its leader stopped before running its step. */
    private static final int MAX_SUBMISSIONS = 3;

    /** At most this many threads publish one batch's members at once. */
    static final int MAX_LOAD_THREADS = 8;

    /** How long a cancelled leader waits for the publishing threads it interrupted to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private static final ConcurrentMap<String, Group> GROUPS = new ConcurrentHashMap<>();

    private HotdataDatabaseCommits() {}

    /** One member's work for one checkpoint, run by the batch's leader. */
    interface Step {
        /**
         * What must run before any member's loads, one member after the other on the leader's
         * thread: writes into tables the members share (the table registry).
         */
        default void prepare()
                throws HotdataException, HotdataTargetException, InterruptedException {}

        /**
         * Publishes the member's checkpoint (its loads into {@link #table()} and its own stage);
         * returns the log row to append, or null when there is none (already published and logged,
         * or no log). May run on another thread, at the same time as other members' publish steps
         * into other tables.
         */
        HotdataCommitLog.Row publish()
                throws HotdataException, HotdataTargetException, InterruptedException;

        /** Runs once the checkpoint is published and its row appended (clean-up only). */
        void finish();

        /** The table the member publishes into ({@code schema.table}, lower case). */
        String table();

        /**
         * The 409 {@code RESOURCE_LOCKED} answers the member's client has received so far
         * (monotonic): how the group learns that its loads contend for the server's lock.
         */
        long lockedAnswers();
    }

    /** Joins the group of a job's sinks into a database (endpoint, workspace, database id). */
    static Member join(
            String endpoint,
            String workspaceId,
            String databaseId,
            String jobId,
            Duration gatherWait) {
        String database = endpoint + "|" + workspaceId + "|" + databaseId;
        Member member = new Member(gatherWait);
        GROUPS.compute(
                database + "|" + jobId,
                (k, group) -> {
                    Group g =
                            group != null
                                    ? group
                                    : new Group(
                                            k,
                                            HotdataDatabaseLocks.of(
                                                    endpoint, workspaceId, databaseId));
                    synchronized (g) {
                        g.members.add(member);
                    }
                    member.group = g;
                    return g;
                });
        return member;
    }

    @VisibleForTesting
    static int groupCount() {
        return GROUPS.size();
    }

    /**
     * Whether the group of a job's sinks into a database runs its members' loads one after the
     * other (it met 409 {@code RESOURCE_LOCKED} running them at once); false for no such group.
     */
    @VisibleForTesting
    static boolean loadsInTurn(
            String endpoint, String workspaceId, String databaseId, String jobId) {
        Group g = GROUPS.get(endpoint + "|" + workspaceId + "|" + databaseId + "|" + jobId);
        return g != null && g.loadsInTurn;
    }

    /** The sinks of one job that commit into one database. */
    private static final class Group {
        final String key;
        final ReentrantLock databaseLock;
        final Set<Member> members = new LinkedHashSet<>();

        /** The batch of each checkpoint that still takes submissions. */
        final Map<Long, Batch> open = new HashMap<>();

        /**
         * Set once members' loads met 409 {@code RESOURCE_LOCKED} while they ran at once: from then
         * on they run one after the other. Kept for the group's life (in memory only).
         */
        volatile boolean loadsInTurn;

        Group(String key, ReentrantLock databaseLock) {
            this.key = key;
            this.databaseLock = databaseLock;
        }
    }

    /** A committer's place in its group. */
    static final class Member {
        private final Duration gatherWait;
        private Group group;

        /** The highest checkpoint this member submitted; guarded by the group. */
        private long lastCheckpoint = -1;

        /** The thread of this member's latest submission; guarded by the group. */
        private Thread thread;

        private Member(Duration gatherWait) {
            this.gatherWait = gatherWait;
        }

        /**
         * Commits one checkpoint with the other members' commits of it: runs {@code step} (here or
         * on another member's thread) and returns once it ran, or throws what it threw.
         *
         * @param lockWait how long the batch waits for the JVM's lock of the database before it
         *     goes ahead and lets the server's lock decide
         */
        void commit(long checkpointId, Step step, Duration lockWait)
                throws HotdataException, HotdataTargetException, InterruptedException {
            for (int attempt = 1; ; attempt++) {
                Submission s = submit(checkpointId, step, lockWait);
                if (s.outcome != Outcome.NOT_RUN) {
                    s.rethrow();
                    return;
                }
                if (attempt >= MAX_SUBMISSIONS) {
                    throw new HotdataException(
                            "commit",
                            0,
                            HotdataErrorCodes.INTERRUPTED,
                            "the commit of checkpoint "
                                    + checkpointId
                                    + " was not run: the sinks it was batched with stopped",
                            true,
                            null,
                            null);
                }
            }
        }

        private Submission submit(long checkpointId, Step step, Duration lockWait)
                throws InterruptedException {
            Submission s = new Submission(this, step);
            Batch batch;
            synchronized (group) {
                batch = group.open.get(checkpointId);
                if (batch == null) {
                    batch =
                            new Batch(
                                    checkpointId,
                                    previous(checkpointId),
                                    this,
                                    Thread.currentThread());
                    group.open.put(checkpointId, batch);
                    s.leader = true;
                }
                batch.submissions.add(s);
                lastCheckpoint = Math.max(lastCheckpoint, checkpointId);
                thread = Thread.currentThread();
                group.notifyAll();
            }
            if (s.leader) {
                lead(batch, lockWait);
                return s;
            }
            try {
                s.done.await();
            } catch (InterruptedException e) {
                // not started yet: the leader skips it; started: it runs to its end regardless,
                // which is safe (a publish is idempotent) and reported to nobody
                s.cancel();
                throw e;
            }
            return s;
        }

        /**
         * The latest checkpoint below {@code checkpointId} that a member submitted, or -1: the
         * members still at it are the ones expected to submit {@code checkpointId} now.
         */
        private long previous(long checkpointId) {
            long previous = -1;
            for (Member m : group.members) {
                if (m.lastCheckpoint < checkpointId) {
                    previous = Math.max(previous, m.lastCheckpoint);
                }
            }
            return previous;
        }

        private void lead(Batch batch, Duration lockWait) throws InterruptedException {
            List<Submission> members;
            try {
                long deadline = System.nanoTime() + gatherWait.toNanos();
                synchronized (group) {
                    long left;
                    while (!batch.allArrived(group.members)
                            && (left = deadline - System.nanoTime()) > 0) {
                        TimeUnit.NANOSECONDS.timedWait(group, left);
                    }
                    group.open.remove(batch.checkpointId, batch);
                    members = new ArrayList<>(batch.submissions);
                }
            } catch (InterruptedException e) {
                synchronized (group) {
                    group.open.remove(batch.checkpointId, batch);
                    members = new ArrayList<>(batch.submissions);
                }
                for (Submission s : members) {
                    s.complete(Outcome.NOT_RUN, null);
                }
                throw e;
            }
            if (members.size() > 1) {
                LOG.debug(
                        "Committing checkpoint {} of {} sinks into one database together ({})",
                        batch.checkpointId,
                        members.size(),
                        group.key);
            }
            run(batch.checkpointId, members, lockWait);
        }

        private void run(long checkpointId, List<Submission> members, Duration lockWait) {
            ReentrantLock lock = group.databaseLock;
            boolean locked = false;
            boolean interrupted = false;
            try {
                locked = lock.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS);
                if (!locked) {
                    LOG.info(
                            "Another sink has held the database for {}; publishing checkpoint {}"
                                    + " without waiting longer (the server's lock decides)",
                            lockWait,
                            checkpointId);
                }
                if (group.loadsInTurn) {
                    interrupted = publishInTurn(members);
                } else {
                    interrupted = prepareInTurn(members);
                    if (!interrupted) {
                        interrupted = publishAtOnce(checkpointId, members);
                    }
                }
                // in member order, whichever thread published them
                List<Submission> published = new ArrayList<>();
                List<HotdataCommitLog.Row> rows = new ArrayList<>();
                for (Submission s : members) {
                    if (s.published) {
                        published.add(s);
                        if (s.row != null) {
                            rows.add(s.row);
                        }
                    }
                }
                if (!rows.isEmpty() && !interrupted) {
                    try {
                        HotdataCommitLog.appendAll(rows);
                    } catch (Throwable t) {
                        // no member is logged: each publishes again on its retry
                        for (Submission s : published) {
                            s.complete(Outcome.FAILED, t);
                        }
                    }
                }
                for (Submission s : published) {
                    if (!s.isDone() && !interrupted) {
                        try {
                            s.step.finish();
                            s.complete(Outcome.OK, null);
                        } catch (Throwable t) {
                            s.complete(Outcome.FAILED, t);
                        }
                    }
                }
            } catch (InterruptedException e) {
                interrupted = true; // while waiting for the lock
            } finally {
                if (locked) {
                    lock.unlock();
                }
                for (Submission s : members) {
                    // a no-op for the completed ones; the leader's own task is being cancelled
                    if (interrupted && s.member == this) {
                        s.complete(Outcome.FAILED, new InterruptedException());
                    } else {
                        s.complete(Outcome.NOT_RUN, null);
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /**
         * Prepares and publishes each member in turn on this thread, as a lone committer would;
         * true when this thread was interrupted (the leader's task is being cancelled).
         */
        private boolean publishInTurn(List<Submission> members) {
            for (Submission s : members) {
                if (!s.start()) {
                    continue;
                }
                try {
                    s.step.prepare();
                    s.row = s.step.publish();
                    s.published = true;
                } catch (InterruptedException e) {
                    // the others commit on their own
                    s.complete(s.member == this ? Outcome.FAILED : Outcome.NOT_RUN, e);
                    return true;
                } catch (Throwable t) {
                    s.complete(Outcome.FAILED, t);
                }
            }
            return false;
        }

        /**
         * Runs each member's prepare step in turn on this thread; a member whose prepare fails gets
         * its error. True when this thread was interrupted.
         */
        private boolean prepareInTurn(List<Submission> members) {
            for (Submission s : members) {
                if (!s.start()) {
                    continue;
                }
                try {
                    s.step.prepare();
                    s.prepared = true;
                } catch (InterruptedException e) {
                    s.complete(s.member == this ? Outcome.FAILED : Outcome.NOT_RUN, e);
                    return true;
                } catch (Throwable t) {
                    s.complete(Outcome.FAILED, t);
                }
            }
            return false;
        }

        /**
         * Publishes the prepared members at once, one thread per table (members into one table in
         * turn on its thread), at most {@link #MAX_LOAD_THREADS} threads; waits for all of them. If
         * a member's client met 409 {@code RESOURCE_LOCKED} meanwhile, the group publishes in turn
         * from now on. True when this thread was interrupted: the threads are interrupted and
         * waited for (bounded), and every member not yet done is left to the caller.
         */
        private boolean publishAtOnce(long checkpointId, List<Submission> members) {
            Map<String, List<Submission>> byTable = new LinkedHashMap<>();
            long lockedBefore = 0;
            for (Submission s : members) {
                if (s.prepared) {
                    byTable.computeIfAbsent(s.step.table(), k -> new ArrayList<>()).add(s);
                    lockedBefore += s.step.lockedAnswers();
                }
            }
            if (byTable.size() <= 1) {
                // one table: nothing to overlap, nothing to learn
                for (List<Submission> lane : byTable.values()) {
                    for (Submission s : lane) {
                        if (publishOne(s, null)) {
                            return true;
                        }
                    }
                }
                return false;
            }
            Queue<List<Submission>> lanes = new ConcurrentLinkedQueue<>(byTable.values());
            int threads = Math.min(byTable.size(), MAX_LOAD_THREADS);
            CountDownLatch ended = new CountDownLatch(threads);
            AtomicBoolean stopping = new AtomicBoolean();
            List<Thread> started = new ArrayList<>();
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            for (int i = 0; i < threads; i++) {
                Thread t =
                        new Thread(
                                () -> {
                                    try {
                                        List<Submission> lane;
                                        while (!stopping.get() && (lane = lanes.poll()) != null) {
                                            for (Submission s : lane) {
                                                publishOne(s, stopping);
                                            }
                                        }
                                    } finally {
                                        ended.countDown();
                                    }
                                },
                                "hotdata-commit-" + checkpointId + "-" + i);
                t.setDaemon(true);
                // the job's classes, as on the leader's own task thread
                t.setContextClassLoader(loader);
                started.add(t);
            }
            started.forEach(Thread::start);
            try {
                ended.await();
            } catch (InterruptedException e) {
                // the leader's task is being cancelled: so are the loads it runs for the others
                stopping.set(true);
                started.forEach(Thread::interrupt);
                awaitStopped(ended);
                return true;
            }
            long lockedAfter = 0;
            for (List<Submission> lane : byTable.values()) {
                for (Submission s : lane) {
                    lockedAfter += s.step.lockedAnswers();
                }
            }
            if (lockedAfter > lockedBefore) {
                group.loadsInTurn = true;
                LOG.info(
                        "Loads into different tables of one database met 409 RESOURCE_LOCKED"
                                + " ({} times) when run at once in checkpoint {}: the server locks"
                                + " more than a table, or another writer loads into the database."
                                + " The sinks of {} publish one after the other from now on.",
                        lockedAfter - lockedBefore,
                        checkpointId,
                        group.key);
            }
            return false;
        }

        /**
         * Publishes one prepared member; its outcome stays open when it succeeds (the log append
         * decides). With {@code stopping} (a publishing thread): a failure once the leader stopped
         * is left to the leader, which has the member submit again. True when interrupted on the
         * leader's own thread.
         */
        private boolean publishOne(Submission s, AtomicBoolean stopping) {
            try {
                s.row = s.step.publish();
                s.published = true;
            } catch (InterruptedException e) {
                if (stopping == null) {
                    s.complete(s.member == this ? Outcome.FAILED : Outcome.NOT_RUN, e);
                    return true;
                }
                // only the stopping leader interrupts a publishing thread
            } catch (Throwable t) {
                if (stopping == null || !stopping.get()) {
                    s.complete(Outcome.FAILED, t);
                }
            }
            return false;
        }

        /** Waits (bounded, ignoring interrupts) for interrupted publishing threads to end. */
        private void awaitStopped(CountDownLatch ended) {
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            long left;
            while (ended.getCount() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    ended.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException again) {
                    // keep waiting; the caller re-asserts the interrupt
                }
            }
            if (ended.getCount() > 0) {
                LOG.warn(
                        "Publishing threads of {} did not stop within {} of the cancellation;"
                                + " releasing the database (their loads are safe to repeat)",
                        group.key,
                        STOP_WAIT);
            }
        }

        /** Leaves the group: later batches do not wait for this member. */
        void leave() {
            Group g = group;
            GROUPS.computeIfPresent(
                    g.key,
                    (k, existing) -> {
                        synchronized (existing) {
                            existing.members.remove(this);
                            existing.notifyAll();
                            return existing.members.isEmpty() && existing.open.isEmpty()
                                    ? null
                                    : existing;
                        }
                    });
        }
    }

    /** The submissions of one checkpoint that run together. */
    private static final class Batch {
        final long checkpointId;
        final long previous;
        final Member leader;
        final Thread leaderThread;
        final List<Submission> submissions = new ArrayList<>();

        Batch(long checkpointId, long previous, Member leader, Thread leaderThread) {
            this.checkpointId = checkpointId;
            this.previous = previous;
            this.leader = leader;
            this.leaderThread = leaderThread;
        }

        /**
         * Whether no member is still expected: one that took part in the latest checkpoint before
         * this one and has not submitted this one (its last checkpoint would have moved on), other
         * than the leader and members that commit on the leader's thread. Read as members come and
         * go, so a member that joins or leaves meanwhile is counted right.
         */
        boolean allArrived(Set<Member> members) {
            for (Member m : members) {
                if (m != leader && m.thread != leaderThread && m.lastCheckpoint == previous) {
                    return false;
                }
            }
            return true;
        }
    }

    private enum Outcome {
        PENDING,
        RUNNING,
        CANCELLED,
        OK,
        FAILED,
        /** The leader stopped before running the step: the member submits it again. */
        NOT_RUN
    }

    /** One member's step in a batch, and what became of it. */
    private static final class Submission {
        final Member member;
        final Step step;
        final CountDownLatch done = new CountDownLatch(1);
        boolean leader;

        /** Set by the thread that ran the step; read after it ended (a latch or thread start). */
        boolean prepared;

        boolean published;
        HotdataCommitLog.Row row;
        private volatile Outcome outcome = Outcome.PENDING;
        private volatile Throwable failure;

        Submission(Member member, Step step) {
            this.member = member;
            this.step = step;
        }

        /** Claims the step for running; false when its member gave up waiting. */
        synchronized boolean start() {
            if (outcome != Outcome.PENDING) {
                return false;
            }
            outcome = Outcome.RUNNING;
            return true;
        }

        synchronized void cancel() {
            if (outcome == Outcome.PENDING) {
                outcome = Outcome.CANCELLED;
            }
        }

        synchronized boolean isDone() {
            return done.getCount() == 0;
        }

        /** Sets the outcome once; later calls change nothing. */
        synchronized void complete(Outcome result, Throwable t) {
            if (done.getCount() == 0) {
                return;
            }
            if (outcome == Outcome.CANCELLED) {
                done.countDown();
                return;
            }
            failure = t;
            outcome = result;
            done.countDown();
        }

        void rethrow() throws HotdataException, HotdataTargetException, InterruptedException {
            Throwable t = failure;
            if (outcome == Outcome.OK) {
                return;
            }
            if (t instanceof HotdataException) {
                throw (HotdataException) t;
            }
            if (t instanceof HotdataTargetException) {
                throw (HotdataTargetException) t;
            }
            if (t instanceof InterruptedException) {
                throw (InterruptedException) t;
            }
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new IllegalStateException("commit step failed", t);
        }
    }
}
