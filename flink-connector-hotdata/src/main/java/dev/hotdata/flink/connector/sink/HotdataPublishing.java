package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;

/** What the publishers of one committer share: where they publish and with what. */
@Internal
final class HotdataPublishing {

    final HotdataClient client;
    final HotdataSinkConfig config;
    final HotdataTarget target;
    final HotdataCommitLog log;
    final HotdataUploadLoader loader;
    final Counter loads;
    final Counter loadedRows;

    HotdataPublishing(
            HotdataClient client,
            HotdataSinkConfig config,
            HotdataTarget target,
            HotdataCommitLog log,
            HotdataUploadLoader loader,
            Counter loads,
            Counter loadedRows) {
        this.client = client;
        this.config = config;
        this.target = target;
        this.log = log;
        this.loader = loader;
        this.loads = loads;
        this.loadedRows = loadedRows;
    }
}
