package dev.hotdata.flink.connector.sink;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HotdataTableLayoutTest {

    @Test
    void buildsPartitionAndSortKeysInOrder() {
        HotdataTableLayout layout =
                HotdataTableLayout.builder()
                        .partitionBy("ts", "YEAR")
                        .partitionBy("ts", "month")
                        .sortedBy("id", "DESC", "last")
                        .build();
        assertThat(layout.partitionBy())
                .extracting(HotdataTableLayout.PartitionKey::transform)
                .containsExactly("year", "month");
        assertThat(layout.sortedBy().get(0).direction()).isEqualTo("desc");
        assertThat(layout.sortedBy().get(0).nulls()).isEqualTo("last");
        assertThat(HotdataTableLayout.builder().build().isEmpty()).isTrue();
    }

    @Test
    void rejectsUnknownTransformNamingColumnAndValue() {
        assertThatThrownBy(() -> HotdataTableLayout.builder().partitionBy("ts", "week"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'week'")
                .hasMessageContaining("'ts'");
    }

    @Test
    void rejectsUnknownDirectionAndNulls() {
        assertThatThrownBy(() -> HotdataTableLayout.builder().sortedBy("id", "up", null))
                .hasMessageContaining("'up'");
        assertThatThrownBy(() -> HotdataTableLayout.builder().sortedBy("id", "asc", "middle"))
                .hasMessageContaining("'middle'");
    }

    @Test
    void identifiersAreLowerCasedAndValidated() {
        assertThat(HotdataIdentifiers.normalize(" Orders_2024 ", "table")).isEqualTo("orders_2024");
        assertThatThrownBy(() -> HotdataIdentifiers.normalize("my-table", "table"))
                .hasMessageContaining("table")
                .hasMessageContaining("'my-table'");
        assertThatThrownBy(() -> HotdataIdentifiers.normalize("1abc", "schema"))
                .hasMessageContaining("schema");
        assertThatThrownBy(() -> HotdataIdentifiers.normalize("a".repeat(64), "table"))
                .hasMessageContaining("63");
        assertThatThrownBy(() -> HotdataIdentifiers.normalize("", "table"))
                .hasMessageContaining("must be set");
    }

    @Test
    void writeModeParsesOptionValuesAndListsValidOnes() {
        assertThat(HotdataWriteMode.fromOptionValue("insert-only"))
                .isEqualTo(HotdataWriteMode.INSERT_ONLY);
        assertThat(HotdataWriteMode.fromOptionValue("UPSERT")).isEqualTo(HotdataWriteMode.UPSERT);
        assertThatThrownBy(() -> HotdataWriteMode.fromOptionValue("merge"))
                .hasMessageContaining("'merge'")
                .hasMessageContaining("append, upsert, insert-only, replace");
    }
}
