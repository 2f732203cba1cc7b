package dev.hotdata.flink.connector.source;

import dev.hotdata.flink.connector.client.HotdataAmbiguousNameException;
import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.HotdataServerQuery;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A bounded source of the rows of one SQL query run on Hotdata. The query runs once, on the server,
 * when the job starts; its persisted result is then read in ranges by the source's subtasks, page
 * by page, so neither the JobManager nor a reader holds the whole result.
 */
@PublicEvolving
public final class HotdataSource
        implements Source<RowData, HotdataResultSplit, Collection<HotdataResultSplit>>,
                ResultTypeQueryable<RowData> {

    private static final long serialVersionUID = 1L;

    /** Rows per split: readers take ranges of this size from the result. */
    static final long SPLIT_ROWS = 100_000;

    private final HotdataClientConfig clientConfig;
    private final String databaseName;
    private final String databaseId;
    private final String sql;
    private final RowType rowType;
    private final int pageSize;

    public HotdataSource(
            HotdataClientConfig clientConfig,
            String databaseName,
            String databaseId,
            String sql,
            RowType rowType,
            int pageSize) {
        this.clientConfig = clientConfig;
        this.databaseName = databaseName;
        this.databaseId = databaseId;
        this.sql = sql;
        this.rowType = rowType;
        this.pageSize = pageSize;
    }

    /** The SQL the source runs (with projection, filters and limit pushed in). */
    public String sql() {
        return sql;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RowData, HotdataResultSplit> createReader(SourceReaderContext context) {
        return new HotdataSourceReader(
                context, clientConfig, new HotdataJsonRowConverter(rowType), pageSize);
    }

    @Override
    public SplitEnumerator<HotdataResultSplit, Collection<HotdataResultSplit>> createEnumerator(
            SplitEnumeratorContext<HotdataResultSplit> context) throws Exception {
        return new HotdataSplitEnumerator(context, runQuery());
    }

    @Override
    public SplitEnumerator<HotdataResultSplit, Collection<HotdataResultSplit>> restoreEnumerator(
            SplitEnumeratorContext<HotdataResultSplit> context,
            Collection<HotdataResultSplit> checkpoint) {
        return new HotdataSplitEnumerator(context, checkpoint);
    }

    /** Runs the query on the server and cuts its result into ranges. */
    private List<HotdataResultSplit> runQuery() throws HotdataException, InterruptedException {
        try (HotdataClient client = new HotdataClient(clientConfig)) {
            String db = resolveDatabase(client);
            HotdataServerQuery.Result result =
                    new HotdataServerQuery(client, db, clientConfig.jobTimeout()).run(sql);
            long total = result.rowCount;
            if (total < 0) {
                Long header = client.getResult(db, result.resultId, 0, 0).totalRowCount();
                total = header == null ? Long.MAX_VALUE : header;
            }
            List<HotdataResultSplit> splits = new ArrayList<>();
            for (long from = 0; from < total; from += SPLIT_ROWS) {
                long to =
                        total == Long.MAX_VALUE
                                ? Long.MAX_VALUE
                                : Math.min(total, from + SPLIT_ROWS);
                splits.add(new HotdataResultSplit("range-" + from, db, result.resultId, from, to));
                if (to == Long.MAX_VALUE) {
                    break;
                }
            }
            return splits;
        }
    }

    private String resolveDatabase(HotdataClient client) throws HotdataException {
        if (databaseId != null) {
            return databaseId;
        }
        List<DatabaseSummary> matches;
        try {
            DatabaseSummary match = client.findDatabaseByName(databaseName);
            matches = match == null ? Collections.emptyList() : Collections.singletonList(match);
        } catch (HotdataAmbiguousNameException e) {
            matches = e.matches();
        }
        if (matches.size() != 1) {
            throw new IllegalStateException(
                    "Hotdata database name '"
                            + databaseName
                            + "' matches "
                            + matches.size()
                            + " databases"
                            + (matches.isEmpty()
                                    ? ""
                                    : " (ids: "
                                            + matches.stream()
                                                    .map(DatabaseSummary::id)
                                                    .collect(Collectors.joining(", "))
                                            + ")")
                            + "; set 'database-id' to choose one.");
        }
        return matches.get(0).id();
    }

    @Override
    public SimpleVersionedSerializer<HotdataResultSplit> getSplitSerializer() {
        return HotdataResultSplit.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<Collection<HotdataResultSplit>>
            getEnumeratorCheckpointSerializer() {
        return new HotdataSplitEnumerator.StateSerializer();
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return InternalTypeInfo.of(rowType);
    }
}
