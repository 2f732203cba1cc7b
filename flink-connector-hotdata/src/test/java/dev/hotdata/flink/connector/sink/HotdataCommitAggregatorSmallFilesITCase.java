package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.format.HotdataParquetFileWriter;
import dev.hotdata.flink.connector.format.HotdataParquetWriterFactory;
import dev.hotdata.flink.connector.format.ParquetWriterOptions;
import dev.hotdata.local.HotdataLocalExtension;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The aggregator merges the writers' small files of a checkpoint into one upload per kind, which a
 * single load publishes whole; the writers' own uploads pass through.
 */
class HotdataCommitAggregatorSmallFilesITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private static final RowType ROW =
            RowType.of(
                    new org.apache.flink.table.types.logical.LogicalType[] {
                        new BigIntType(false), new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    new String[] {"id", "name"});
    private static final RowType KEY =
            RowType.of(
                    new org.apache.flink.table.types.logical.LogicalType[] {new BigIntType(false)},
                    new String[] {"id"});

    @TempDir Path dir;
    private HotdataClientConfig config;
    private HotdataClient client;
    private DatabaseInfo db;

    @BeforeEach
    void setUp() throws Exception {
        config =
                HotdataClientConfig.builder()
                        .endpoint(HOTDATA.endpoint())
                        .apiKey(HOTDATA.apiKey())
                        .workspaceId(HOTDATA.workspaceId())
                        .build();
        client = new HotdataClient(config);
        db =
                client.createDatabase(
                        CreateDatabaseRequest.builder()
                                .name("small_" + UUID.randomUUID().toString().substring(0, 8))
                                .schemas(
                                        Collections.singletonList(
                                                new SchemaDeclaration(
                                                        "public",
                                                        Collections.singletonList(
                                                                TableDeclaration.of("t")))))
                                .build());
        HOTDATA.server().requestLog().clear();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private OneInputStreamOperatorTestHarness<
                    CommittableMessage<HotdataWriteResult>, CommittableMessage<HotdataCommittable>>
            harness(HotdataClientConfig uploadConfig) throws Exception {
        OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                harness =
                        new OneInputStreamOperatorTestHarness<>(
                                new HotdataCommitAggregator("sink", false, uploadConfig));
        harness.setup(
                CommittableMessageTypeInfo.of(HotdataCommittableSerializer::new)
                        .createSerializer(new SerializerConfigImpl()));
        return harness;
    }

    /** A finished Parquet file of rows {@code from .. to-1} (or of their keys), as bytes. */
    private byte[] parquet(RowType type, long from, long to) throws Exception {
        Path file = dir.resolve(UUID.randomUUID() + ".parquet");
        try (HotdataParquetFileWriter writer =
                new HotdataParquetWriterFactory(type, ParquetWriterOptions.builder().build())
                        .create(file)) {
            for (long id = from; id < to; id++) {
                writer.write(
                        type.getFieldCount() == 1
                                ? GenericRowData.of(id)
                                : GenericRowData.of(id, StringData.fromString("n" + id)));
            }
            writer.finish();
        }
        return Files.readAllBytes(file);
    }

    private static StreamRecord<CommittableMessage<HotdataWriteResult>> result(
            long checkpoint, List<HotdataUploadedFile> uploaded, HotdataSmallFile... small) {
        return new StreamRecord<>(
                new CommittableWithLineage<>(
                        new HotdataWriteResult("sink", uploaded, Arrays.asList(small)),
                        checkpoint,
                        0));
    }

    private static List<HotdataCommittable> committables(
            OneInputStreamOperatorTestHarness<?, CommittableMessage<HotdataCommittable>> harness) {
        List<HotdataCommittable> out = new ArrayList<>();
        for (CommittableMessage<HotdataCommittable> message : harness.extractOutputValues()) {
            if (message instanceof CommittableWithLineage) {
                out.add(((CommittableWithLineage<HotdataCommittable>) message).getCommittable());
            }
        }
        return out;
    }

    @Test
    void smallFilesOfManyWritersBecomeOneUploadPerKind() throws Exception {
        HotdataUploadedFile writersOwn =
                new HotdataUploadedFile("upld_writer", HotdataUploadedFile.Kind.ROWS, 9, 900);
        try (OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                harness = harness(config)) {
            harness.open();
            harness.processElement(
                    result(
                            1,
                            Collections.emptyList(),
                            new HotdataSmallFile(
                                    HotdataUploadedFile.Kind.ROWS, 100, parquet(ROW, 0, 100))));
            harness.processElement(
                    result(
                            1,
                            Collections.singletonList(writersOwn),
                            new HotdataSmallFile(
                                    HotdataUploadedFile.Kind.ROWS, 50, parquet(ROW, 100, 150)),
                            new HotdataSmallFile(
                                    HotdataUploadedFile.Kind.DELETES, 3, parquet(KEY, 7, 10))));
            harness.processElement(
                    result(
                            1,
                            Collections.emptyList(),
                            new HotdataSmallFile(
                                    HotdataUploadedFile.Kind.ROWS, 25, parquet(ROW, 150, 175)),
                            new HotdataSmallFile(
                                    HotdataUploadedFile.Kind.DELETES, 2, parquet(KEY, 20, 22))));
            assertThat(HOTDATA.server().requestLog().count("POST", "/v1/uploads")).isZero();

            harness.prepareSnapshotPreBarrier(1);

            List<HotdataCommittable> out = committables(harness);
            assertThat(out).hasSize(1);
            List<HotdataUploadedFile> files = out.get(0).files();
            assertThat(files).hasSize(3);
            assertThat(files.get(0)).isEqualTo(writersOwn);
            HotdataUploadedFile rows = files.get(1);
            HotdataUploadedFile deletes = files.get(2);
            assertThat(rows.kind()).isEqualTo(HotdataUploadedFile.Kind.ROWS);
            assertThat(rows.rowCount()).isEqualTo(175);
            assertThat(deletes.kind()).isEqualTo(HotdataUploadedFile.Kind.DELETES);
            assertThat(deletes.rowCount()).isEqualTo(5);
            // two uploads in all, whatever the number of writers, opened in one round trip
            assertThat(HOTDATA.server().requestLog().count("POST", "/v1/uploads/batch"))
                    .isEqualTo(1);
            assertThat(HOTDATA.server().requestLog().count("POST", "/v1/uploads")).isZero();
            assertThat(HOTDATA.server().requestLog().count("POST", "/v1/uploads/[^/]+/finalize"))
                    .isEqualTo(2);

            // one load publishes every writer's rows
            client.load(
                    db.id(),
                    "public",
                    "t",
                    LoadRequest.builder().mode(LoadMode.APPEND).uploadId(rows.uploadId()).build());
            QueryResponse loaded =
                    client.query(
                            db.id(),
                            "SELECT count(*), count(DISTINCT id), min(id), max(id),"
                                    + " count(*) FILTER (WHERE name = 'n' || id) FROM public.t");
            assertThat(loaded.rows().get(0))
                    .extracting(v -> Long.parseLong(String.valueOf(v)))
                    .containsExactly(175L, 175L, 0L, 174L, 175L);
            // and the deletes' file holds the keys of both writers
            client.load(
                    db.id(),
                    "public",
                    "t",
                    LoadRequest.builder()
                            .mode(LoadMode.DELETE)
                            .key(Collections.singletonList("id"))
                            .uploadId(deletes.uploadId())
                            .build());
            QueryResponse left =
                    client.query(
                            db.id(), "SELECT count(*) FROM public.t WHERE id IN (7, 8, 9, 20, 21)");
            assertThat(Long.parseLong(String.valueOf(left.rows().get(0).get(0)))).isZero();
            assertThat(dir.toFile().list()).isNotEmpty(); // the test's own inputs, untouched
        }
    }

    @Test
    void aCheckpointWithoutSmallFilesUploadsNothing() throws Exception {
        try (OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                harness = harness(config)) {
            harness.open();
            harness.processElement(
                    result(
                            1,
                            Collections.singletonList(
                                    new HotdataUploadedFile(
                                            "upld_a", HotdataUploadedFile.Kind.ROWS, 1, 10))));
            harness.prepareSnapshotPreBarrier(1);
            assertThat(committables(harness).get(0).uploadIds()).isEqualTo("upld_a");
            assertThat(HOTDATA.server().requestLog().count("POST", "/v1/uploads")).isZero();
        }
    }

    @Test
    void anAggregatorWithoutAConnectionRefusesSmallFiles() throws Exception {
        try (OneInputStreamOperatorTestHarness<
                        CommittableMessage<HotdataWriteResult>,
                        CommittableMessage<HotdataCommittable>>
                harness = harness(null)) {
            harness.open();
            assertThatThrownBy(
                            () ->
                                    harness.processElement(
                                            result(
                                                    1,
                                                    Collections.emptyList(),
                                                    new HotdataSmallFile(
                                                            HotdataUploadedFile.Kind.ROWS,
                                                            1,
                                                            parquet(ROW, 0, 1)))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("small file");
        }
    }
}
