package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.sink.HotdataRowConverter;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

import java.math.BigDecimal;

/** The rows the e2e jobs write: a pure function of a sequence number, so every loss shows. */
final class TestRows {

    static final RowType ROW_TYPE =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new DecimalType(12, 2),
                        new LocalZonedTimestampType(3)
                    },
                    new String[] {"id", "name", "amount", "ts"});

    static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private TestRows() {}

    static RowData row(long id) {
        return GenericRowData.of(
                id,
                StringData.fromString(name(id)),
                DecimalData.fromBigDecimal(amount(id), 12, 2),
                TimestampData.fromEpochMillis(EPOCH_MILLIS + id));
    }

    static String name(long id) {
        return "name-" + id;
    }

    static BigDecimal amount(long id) {
        return BigDecimal.valueOf(id * 7 % 100_000, 2);
    }

    static HotdataRowConverter<Long> converter() {
        return TestRows::row;
    }
}
