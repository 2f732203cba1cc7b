package dev.hotdata.flink.connector.sink;

import org.apache.flink.api.connector.sink2.Committer;

/** A commit request that records what the committer said of it. */
final class TestCommitRequest implements Committer.CommitRequest<HotdataCommittable> {

    final HotdataCommittable committable;
    Throwable failure;
    boolean retryLater;

    TestCommitRequest(HotdataCommittable committable) {
        this.committable = committable;
    }

    @Override
    public HotdataCommittable getCommittable() {
        return committable;
    }

    @Override
    public int getNumberOfRetries() {
        return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
        failure = t;
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
        failure = t;
    }

    @Override
    public void retryLater() {
        retryLater = true;
    }

    @Override
    public void updateAndRetryLater(HotdataCommittable committable) {
        retryLater = true;
    }

    @Override
    public void signalAlreadyCommitted() {}

    boolean succeeded() {
        return failure == null && !retryLater;
    }
}
