package dev.hotdata.flink.connector.source;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** Type mapping back from Hotdata, JSON values to RowData, filters to SQL, split serialization. */
class HotdataSourcePartsTest {

    @Test
    void arrowTypesMapToFlinkTypes() {
        assertThat(HotdataTypeMapping.toFlink("Int64")).isEqualTo(DataTypes.BIGINT());
        assertThat(HotdataTypeMapping.toFlink("Decimal128(12, 2)"))
                .isEqualTo(DataTypes.DECIMAL(12, 2));
        assertThat(HotdataTypeMapping.toFlink("Timestamp(Microsecond, Some(\"UTC\"))"))
                .isEqualTo(DataTypes.TIMESTAMP_LTZ(6));
        assertThat(HotdataTypeMapping.toFlink("Timestamp(Millisecond, None)"))
                .isEqualTo(DataTypes.TIMESTAMP(3));
        assertThat(HotdataTypeMapping.toFlink("Date32")).isEqualTo(DataTypes.DATE());
        assertThat(HotdataTypeMapping.toFlink("UInt64")).isEqualTo(DataTypes.DECIMAL(20, 0));
        assertThat(HotdataTypeMapping.toFlink("List(Int32)"))
                .isEqualTo(DataTypes.ARRAY(DataTypes.INT()));
    }

    @Test
    void jsonValuesBecomeInternalData() {
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                                        DataTypes.FIELD("amount", DataTypes.DECIMAL(12, 2)),
                                        DataTypes.FIELD("day", DataTypes.DATE()),
                                        DataTypes.FIELD("ts", DataTypes.TIMESTAMP_LTZ(6)),
                                        DataTypes.FIELD("nested", DataTypes.STRING()),
                                        DataTypes.FIELD("missing", DataTypes.STRING()))
                                .getLogicalType();
        RowData row =
                new HotdataJsonRowConverter(type)
                        .convert(
                                Arrays.asList(
                                        42,
                                        "12.30",
                                        "2024-01-02",
                                        "2024-01-02T03:04:05.123456Z",
                                        Arrays.asList(1, 2),
                                        null));
        assertThat(row.getLong(0)).isEqualTo(42L);
        assertThat(row.getDecimal(1, 12, 2).toBigDecimal()).isEqualByComparingTo("12.30");
        assertThat(row.getInt(2)).isEqualTo((int) LocalDate.of(2024, 1, 2).toEpochDay());
        assertThat(row.getTimestamp(3, 6).toInstant().toString())
                .isEqualTo("2024-01-02T03:04:05.123456Z");
        assertThat(row.getString(4).toString()).isEqualTo("[1,2]");
        assertThat(row.isNullAt(5)).isTrue();
    }

    @Test
    void splitsRoundTripThroughTheirSerializers() throws IOException {
        HotdataResultSplit split = new HotdataResultSplit("range-0", "db1", "rslt1", 17, 100_000);
        HotdataResultSplit copy =
                HotdataResultSplit.Serializer.INSTANCE.deserialize(
                        1, HotdataResultSplit.Serializer.INSTANCE.serialize(split));
        assertThat(copy.toString()).isEqualTo(split.toString());
        assertThat(copy.offset()).isEqualTo(17);
        HotdataSplitEnumerator.StateSerializer state = new HotdataSplitEnumerator.StateSerializer();
        assertThat(state.deserialize(1, state.serialize(Collections.singletonList(split))))
                .extracting(HotdataResultSplit::toString)
                .containsExactly(split.toString());
    }
}
