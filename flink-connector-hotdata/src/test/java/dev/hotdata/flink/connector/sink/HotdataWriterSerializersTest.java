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
        assertThatThrownBy(() -> serializer.deserialize(3, new byte[0]))
                .isInstanceOf(IOException.class);
    }

    @Test
    void writeResultWithSmallFilesRoundTrips() throws IOException {
        HotdataWriteResultSerializer serializer = new HotdataWriteResultSerializer();
        HotdataWriteResult result =
                new HotdataWriteResult(
                        "sink",
                        Arrays.asList(
                                new HotdataUploadedFile(
                                        "upld_1", HotdataUploadedFile.Kind.ROWS, 5, 50)),
                        Arrays.asList(
                                new HotdataSmallFile(
                                        HotdataUploadedFile.Kind.ROWS, 7, new byte[] {1, 2, 3}),
                                new HotdataSmallFile(
                                        HotdataUploadedFile.Kind.DELETES, 2, new byte[0])));
        HotdataWriteResult back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(result));
        assertThat(back).isEqualTo(result);
        assertThat(back.smallFiles().get(0).bytes()).containsExactly(1, 2, 3);
        assertThat(back.smallFiles().get(1).kind()).isEqualTo(HotdataUploadedFile.Kind.DELETES);
    }

    @Test
    void writeResultVersion1BytesStillRead() throws IOException {
        // version 1: sink id, then the uploaded files, nothing after them
        org.apache.flink.core.memory.DataOutputSerializer out =
                new org.apache.flink.core.memory.DataOutputSerializer(64);
        out.writeUTF("sink");
        HotdataUploadedFile.writeList(
                Arrays.asList(
                        new HotdataUploadedFile("upld_1", HotdataUploadedFile.Kind.ROWS, 5, 50)),
                out);
        HotdataWriteResult back =
                new HotdataWriteResultSerializer().deserialize(1, out.getCopyOfBuffer());
        assertThat(back.files())
                .extracting(HotdataUploadedFile::uploadId)
                .containsExactly("upld_1");
        assertThat(back.smallFiles()).isEmpty();
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
