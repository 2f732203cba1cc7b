package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.data.RowData;

import java.io.Serializable;

/**
 * Turns a stream element into the {@link RowData} the sink writes, in the layout of the sink's row
 * type. The returned row may be reused by the converter for the next element: the sink consumes it
 * before asking for another.
 *
 * @param <IN> the stream's element type
 */
@PublicEvolving
@FunctionalInterface
public interface HotdataRowConverter<IN> extends Serializable {

    /** Converts one element. */
    RowData convert(IN element) throws Exception;

    /** The converter of a {@code RowData} stream: the element itself. */
    static HotdataRowConverter<RowData> identity() {
        return row -> row;
    }
}
