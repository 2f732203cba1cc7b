package dev.hotdata.flink.connector.source;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.ResultPage;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.table.data.RowData;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * Reads its ranges of a persisted result page by page ({@code GET /v1/results/{id}?offset&limit}):
 * at most one page of rows is held in memory, whatever the size of the result.
 */
@Internal
final class HotdataSourceReader implements SourceReader<RowData, HotdataResultSplit> {

    private final SourceReaderContext context;
    private final HotdataClient client;
    private final HotdataJsonRowConverter converter;

    /** The page size asked for; halved (down to one row) each time the server answers 413. */
    private int pageSize;

    private final Queue<HotdataResultSplit> splits = new ArrayDeque<>();
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private boolean noMoreSplits;
    private boolean requested;

    private HotdataResultSplit current;
    private List<List<Object>> page = Collections.emptyList();
    private int pageIndex;

    HotdataSourceReader(
            SourceReaderContext context,
            HotdataClientConfig clientConfig,
            HotdataJsonRowConverter converter,
            int pageSize) {
        this.context = context;
        this.client = new HotdataClient(clientConfig);
        this.converter = converter;
        this.pageSize = pageSize;
    }

    @Override
    public void start() {
        requestSplit();
    }

    private void requestSplit() {
        if (!requested && !noMoreSplits) {
            requested = true;
            context.sendSplitRequest();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<RowData> output) throws Exception {
        while (true) {
            if (pageIndex < page.size()) {
                output.collect(converter.convert(page.get(pageIndex++)));
                current = current.at(current.offset() + 1);
                return InputStatus.MORE_AVAILABLE;
            }
            if (current != null && current.offset() < current.end()) {
                fetchPage();
                if (page.isEmpty()) {
                    current = null; // the result ended before the range did
                }
                continue;
            }
            current = splits.poll();
            if (current != null) {
                continue;
            }
            if (noMoreSplits) {
                return InputStatus.END_OF_INPUT;
            }
            requestSplit();
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            return InputStatus.NOTHING_AVAILABLE;
        }
    }

    private void fetchPage() throws HotdataException {
        ResultPage result;
        while (true) {
            int limit = (int) Math.min(pageSize, current.end() - current.offset());
            try {
                result =
                        client.getResult(
                                current.databaseId(), current.resultId(), current.offset(), limit);
                break;
            } catch (HotdataException e) {
                // 413: the page is larger than the server answers in one go (as JSON); 429s are
                // retried with back-off by the client
                if (e.statusCode() != 413 || limit <= 1) {
                    throw e;
                }
                pageSize = Math.max(1, limit / 2);
            }
        }
        page = result.rows() == null ? Collections.<List<Object>>emptyList() : result.rows();
        pageIndex = 0;
    }

    @Override
    public List<HotdataResultSplit> snapshotState(long checkpointId) {
        List<HotdataResultSplit> state = new ArrayList<>();
        if (current != null && current.offset() < current.end()) {
            state.add(current);
        }
        state.addAll(splits);
        return state;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<HotdataResultSplit> newSplits) {
        splits.addAll(newSplits);
        requested = false;
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
