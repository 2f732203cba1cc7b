package dev.hotdata.flink.benchmarks;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;

import java.math.BigDecimal;

/**
 * A realistic 12-column order row (ints, decimals, strings of varying length, timestamps), a pure
 * function of its sequence number, so both sinks get exactly the same data.
 */
final class BenchmarkRows {

    static final RowType ROW_TYPE =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false),
                        new IntType(),
                        new IntType(),
                        new DecimalType(10, 2),
                        new DecimalType(18, 4),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new BooleanType(),
                        new DoubleType(),
                        new TimestampType(3),
                        new LocalZonedTimestampType(3)
                    },
                    new String[] {
                        "order_id", "customer_id", "quantity", "price", "amount", "status",
                        "country", "note", "paid", "discount", "created_at", "updated_at"
                    });

    private static final String[] STATUS = {"new", "paid", "shipped", "delivered", "returned"};
    private static final String[] COUNTRY = {"DE", "FR", "US", "GB", "JP", "BR", "IN", "NL"};
    private static final String WORDS =
            "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor"
                    + " incididunt ut labore et dolore magna aliqua";
    private static final long EPOCH = 1_700_000_000_000L;

    private BenchmarkRows() {}

    static RowData row(long i) {
        long h = mix(i);
        int noteLength = (int) (h >>> 58); // 0..63 characters
        return GenericRowData.of(
                i,
                (int) (h & 0xFFFFF),
                (int) ((h >>> 20) & 31) + 1,
                DecimalData.fromUnscaledLong((h >>> 8) & 0xFFFFFF, 10, 2),
                DecimalData.fromBigDecimal(BigDecimal.valueOf((h >>> 4) & 0xFFFFFFFFL, 4), 18, 4),
                StringData.fromString(STATUS[(int) ((h >>> 30) % STATUS.length)]),
                StringData.fromString(COUNTRY[(int) ((h >>> 34) % COUNTRY.length)]),
                StringData.fromString(WORDS.substring(0, noteLength)),
                ((h >>> 40) & 1) == 1,
                ((h >>> 41) & 0xFF) / 1000.0,
                TimestampData.fromEpochMillis(EPOCH + i * 37),
                TimestampData.fromEpochMillis(EPOCH + i * 37 + (h & 0xFFFFF)));
    }

    private static long mix(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return (x ^ (x >>> 31)) & Long.MAX_VALUE;
    }
}
