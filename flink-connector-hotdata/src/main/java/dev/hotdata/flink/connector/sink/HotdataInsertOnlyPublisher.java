package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.model.LoadMode;

import org.apache.flink.annotation.Internal;

/**
 * {@code insert-only}: the checkpoint's uploads replace the run's stage, then the staged rows whose
 * key is not in the table yet are chosen by a query on the server and appended from its result. Run
 * again after a failure, the query finds those rows already there and appends nothing.
 *
 * <p>Not atomic against another writer of the same table: a row with the same key appended by
 * someone else between the query and the append is not seen. Hotdata has no conditional load.
 */
@Internal
final class HotdataInsertOnlyPublisher extends HotdataStagedPublisher {

    private boolean targetHasColumns;

    HotdataInsertOnlyPublisher(HotdataPublishing publishing) {
        super(publishing);
    }

    @Override
    void publish(HotdataCommittable c)
            throws HotdataException, HotdataTargetException, InterruptedException {
        if (c.files().isEmpty()) {
            return; // an end of input with nothing new
        }
        String stage = stage(c);
        boolean first = true;
        for (HotdataUploadedFile file : c.files()) {
            loader.load(stage, file, first ? LoadMode.REPLACE : LoadMode.APPEND, c);
            first = false;
        }
        if (!targetHasColumns) {
            targetHasColumns =
                    publishing.target.hasColumns(
                            publishing.client, config.schema(), config.table());
        }
        String sql;
        if (targetHasColumns) {
            StringBuilder match = new StringBuilder();
            for (String column : config.keyColumns()) {
                if (match.length() > 0) {
                    match.append(" AND ");
                }
                match.append("t.")
                        .append(quoteIdentifier(column))
                        .append(" = s.")
                        .append(quoteIdentifier(column));
            }
            sql =
                    "SELECT s.* FROM "
                            + qualified(stage)
                            + " AS s WHERE NOT EXISTS (SELECT 1 FROM "
                            + qualified(config.table())
                            + " AS t WHERE "
                            + match
                            + ")";
        } else {
            sql = "SELECT * FROM " + qualified(stage); // never loaded: every row is new
        }
        if (loadQueryResult(sql, LoadMode.APPEND).rowCount > 0) {
            targetHasColumns = true;
        }
    }
}
