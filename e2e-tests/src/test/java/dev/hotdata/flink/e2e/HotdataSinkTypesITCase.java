package dev.hotdata.flink.e2e;

import dev.hotdata.flink.connector.client.model.ColumnInfo;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.TableInfo;
import dev.hotdata.flink.connector.sink.HotdataRowConverter;
import dev.hotdata.flink.connector.sink.HotdataSink;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Every supported Flink type: written by the sink, loaded by Hotdata, queried back equal. */
class HotdataSinkTypesITCase {

    @RegisterExtension static final HotdataE2eEnvironment E2E = HotdataE2eEnvironment.withSlots(1);

    private static final RowType NESTED =
            RowType.of(
                    new LogicalType[] {new IntType(), new VarCharType(VarCharType.MAX_LENGTH)},
                    new String[] {"a", "b"});

    static final RowType ALL_TYPES =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(false),
                        new BooleanType(),
                        new TinyIntType(),
                        new SmallIntType(),
                        new IntType(),
                        new FloatType(),
                        new DoubleType(),
                        new DecimalType(5, 2),
                        new DecimalType(18, 4),
                        new DecimalType(38, 10),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new VarBinaryType(VarBinaryType.MAX_LENGTH),
                        new DateType(),
                        new TimeType(3),
                        new TimestampType(6),
                        new LocalZonedTimestampType(3),
                        new ArrayType(new IntType()),
                        new MapType(new VarCharType(VarCharType.MAX_LENGTH), new IntType()),
                        NESTED
                    },
                    new String[] {
                        "id", "b", "t", "s", "i", "f", "d", "dec5", "dec18", "dec38", "str", "bin",
                        "day", "tm", "ts", "ltz", "arr", "mp", "rw"
                    });

    static RowData row(long id) {
        if (id == 1) {
            GenericRowData nulls = new GenericRowData(ALL_TYPES.getFieldCount());
            nulls.setField(0, 1L);
            return nulls;
        }
        Map<Object, Object> map = new HashMap<>();
        map.put(StringData.fromString("k"), 7);
        return GenericRowData.of(
                0L,
                true,
                (byte) -128,
                (short) 32767,
                Integer.MIN_VALUE,
                1.5f,
                -2.25d,
                DecimalData.fromBigDecimal(new BigDecimal("-999.99"), 5, 2),
                DecimalData.fromBigDecimal(new BigDecimal("12345678901234.5678"), 18, 4),
                DecimalData.fromBigDecimal(
                        new BigDecimal("-1234567890123456789012345678.0123456789"), 38, 10),
                StringData.fromString("h\u00e9llo, \"world\"\n"),
                new byte[] {0, -1, 127},
                (int) LocalDate.of(1900, 1, 1).toEpochDay(),
                (13 * 3600 + 5 * 60 + 7) * 1000 + 250,
                TimestampData.fromLocalDateTime(
                        LocalDateTime.of(1969, 7, 20, 20, 17, 40, 123_456_000)),
                TimestampData.fromEpochMillis(1_700_000_000_123L),
                new GenericArrayData(new Object[] {1, null, 3}),
                new GenericMapData(map),
                GenericRowData.of(5, StringData.fromString("x")));
    }

    @Test
    void everySupportedTypeRoundTripsThroughHotdata() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.fromData(0L, 1L)
                .sinkTo(
                        HotdataSink.<Long>builder()
                                .setEndpoint(E2E.server().endpoint())
                                .setApiKey(E2E.server().apiKey())
                                .setWorkspaceId(E2E.server().workspaceId())
                                .setDatabase("types")
                                .setTable("all_types")
                                .setRowConverter(
                                        ALL_TYPES,
                                        (HotdataRowConverter<Long>) HotdataSinkTypesITCase::row)
                                .build());
        env.execute("all types");

        String db = E2E.hotdata().databaseId("types");
        QueryResponse response =
                E2E.hotdata()
                        .client()
                        .query(
                                db,
                                "SELECT CAST(b AS VARCHAR), CAST(t AS VARCHAR),"
                                        + " CAST(s AS VARCHAR), CAST(i AS VARCHAR),"
                                        + " CAST(f AS VARCHAR), CAST(d AS VARCHAR),"
                                        + " CAST(dec5 AS VARCHAR), CAST(dec18 AS VARCHAR),"
                                        + " CAST(dec38 AS VARCHAR), str, hex(bin),"
                                        + " CAST(day AS VARCHAR), CAST(tm AS VARCHAR),"
                                        + " CAST(ts AS VARCHAR),"
                                        + " CAST(epoch_ms(ltz) AS VARCHAR),"
                                        + " CAST(arr AS VARCHAR), CAST(mp['k'] AS VARCHAR),"
                                        + " CAST(rw.a AS VARCHAR), rw.b"
                                        + " FROM public.all_types ORDER BY id");
        List<List<Object>> rows = response.rows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0))
                .containsExactly(
                        "true",
                        "-128",
                        "32767",
                        String.valueOf(Integer.MIN_VALUE),
                        "1.5",
                        "-2.25",
                        "-999.99",
                        "12345678901234.5678",
                        "-1234567890123456789012345678.0123456789",
                        "h\u00e9llo, \"world\"\n",
                        "00FF7F",
                        "1900-01-01",
                        "13:05:07.25",
                        "1969-07-20 20:17:40.123456",
                        "1700000000123",
                        "[1, NULL, 3]",
                        "7",
                        "5",
                        "x");
        assertThat(rows.get(1)).containsOnlyNulls();

        // the instant column lands as a UTC-adjusted timestamp, the local one zone-less
        String connection = E2E.hotdata().client().getDatabase(db).defaultConnectionId();
        TableInfo table =
                E2E.hotdata()
                        .client()
                        .informationSchema(
                                InformationSchemaRequest.builder()
                                        .connectionId(connection)
                                        .schema("public")
                                        .table("all_types")
                                        .includeColumns(true)
                                        .build())
                        .tables()
                        .get(0);
        Map<String, String> types =
                table.columns().stream()
                        .collect(Collectors.toMap(ColumnInfo::name, ColumnInfo::dataType));
        assertThat(types.get("ltz")).contains("UTC");
        assertThat(types.get("ts")).doesNotContain("UTC");
        assertThat(types.get("dec38")).isEqualTo("Decimal128(38, 10)");
        assertThat(types.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.asList(ALL_TYPES.getFieldNames().toArray(new String[0])));
    }
}
