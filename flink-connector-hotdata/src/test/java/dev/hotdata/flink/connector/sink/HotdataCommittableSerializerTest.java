package dev.hotdata.flink.connector.sink;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HotdataCommittableSerializerTest {

    private final HotdataCommittableSerializer serializer = new HotdataCommittableSerializer();

    @Test
    void roundTripsEveryField() throws IOException {
        HotdataCommittable committable =
                new HotdataCommittable(
                        "sink-\u00e9-1",
                        "run-1",
                        42L,
                        Arrays.asList(
                                new HotdataUploadedFile(
                                        "upld_a", HotdataUploadedFile.Kind.ROWS, 10, 1000),
                                new HotdataUploadedFile(
                                        "upld_b", HotdataUploadedFile.Kind.DELETES, 3, 77)));

        HotdataCommittable copy =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(committable));

        assertThat(copy).isEqualTo(committable);
        assertThat(copy.rowCount()).isEqualTo(13);
        assertThat(copy.sizeBytes()).isEqualTo(1077);
        assertThat(copy.files().get(1).kind()).isEqualTo(HotdataUploadedFile.Kind.DELETES);
    }

    @Test
    void roundTripsAnEmptyFileList() throws IOException {
        HotdataCommittable committable =
                new HotdataCommittable("s", "", 1L, Collections.emptyList());
        assertThat(serializer.deserialize(1, serializer.serialize(committable)))
                .isEqualTo(committable);
    }

    /** Version 1 bytes are pinned: a format change must add a version, not alter this one. */
    @Test
    void readsPinnedVersionOneBytes() throws IOException {
        HotdataCommittable committable =
                new HotdataCommittable(
                        "s",
                        "",
                        7L,
                        Collections.singletonList(
                                new HotdataUploadedFile("u", HotdataUploadedFile.Kind.ROWS, 2, 5)));
        byte[] pinned = {
            0, 1, 's', 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 0, 2, 0,
            0, 0, 0, 0, 0, 0, 5
        };
        assertThat(serializer.deserialize(1, pinned)).isEqualTo(committable);
    }

    /** Version 2 adds the end-of-input flag after the version 1 fields; also pinned. */
    @Test
    void writesAndReadsPinnedVersionTwoBytes() throws IOException {
        HotdataCommittable committable =
                new HotdataCommittable(
                        "s",
                        "",
                        7L,
                        Collections.singletonList(
                                new HotdataUploadedFile("u", HotdataUploadedFile.Kind.ROWS, 2, 5)),
                        true);
        byte[] pinned = {
            0, 1, 's', 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 0, 2, 0,
            0, 0, 0, 0, 0, 0, 5, 1
        };
        assertThat(serializer.deserialize(2, pinned)).isEqualTo(committable);
        assertThat(serializer.deserialize(2, pinned).endOfInput()).isTrue();
    }

    /** Version 3 adds the run id after the version 2 fields; also pinned. */
    @Test
    void writesAndReadsPinnedVersionThreeBytes() throws IOException {
        HotdataCommittable committable =
                new HotdataCommittable(
                        "s",
                        "r",
                        7L,
                        Collections.singletonList(
                                new HotdataUploadedFile("u", HotdataUploadedFile.Kind.ROWS, 2, 5)),
                        true);
        byte[] pinned = {
            0, 1, 's', 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 0, 2, 0,
            0, 0, 0, 0, 0, 0, 5, 1, 0, 1, 'r'
        };
        assertThat(serializer.getVersion()).isEqualTo(3);
        assertThat(serializer.serialize(committable)).isEqualTo(pinned);
        assertThat(serializer.deserialize(3, pinned)).isEqualTo(committable);
        assertThat(serializer.deserialize(3, pinned).runId()).isEqualTo("r");
    }

    @Test
    void rejectsUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("99");
    }
}
