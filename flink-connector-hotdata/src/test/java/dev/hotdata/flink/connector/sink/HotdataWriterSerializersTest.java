package dev.hotdata.flink.connector.sink;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HotdataWriterSerializersTest {

    @Test
    void writeResultRoundTrips() throws IOException {
        HotdataWriteResultSerializer serializer = new HotdataWriteResultSerializer();
        HotdataWriteResult result =
                new HotdataWriteResult(
                        "sink",
                        Arrays.asList(
                                new HotdataUploadedFile(
                                        "upld_1", HotdataUploadedFile.Kind.ROWS, 5, 50),
                                new HotdataUploadedFile(
                                        "upld_2", HotdataUploadedFile.Kind.ROWS, 6, 60)));
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(result)))
                .isEqualTo(result);
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[0]))
                .isInstanceOf(IOException.class);
    }

    @Test
    void writerStateRoundTrips() throws IOException {
        HotdataWriterStateSerializer serializer = new HotdataWriterStateSerializer();
        HotdataWriterState state = new HotdataWriterState("a-stable-sink-id");
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state)))
                .isEqualTo(state);
        assertThatThrownBy(() -> serializer.deserialize(0, new byte[0]))
                .isInstanceOf(IOException.class);
    }
}
