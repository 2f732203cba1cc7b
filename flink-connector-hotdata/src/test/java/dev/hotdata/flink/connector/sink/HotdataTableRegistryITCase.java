package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.InformationSchemaRequest;
import dev.hotdata.flink.connector.client.model.PartitionKey;
import dev.hotdata.flink.connector.client.model.SchemaDeclaration;
import dev.hotdata.flink.connector.client.model.SortKey;
import dev.hotdata.flink.connector.client.model.TableDeclaration;
import dev.hotdata.flink.connector.client.model.TableInfo;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code _flink_tables}: written by upsert, read back by table, against hotdata-local. */
class HotdataTableRegistryITCase {

    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private HotdataLocalServer server;
    private HotdataClient client;
    private DatabaseInfo db;
    private HotdataTableRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        server = HOTDATA.server();
        client =
                new HotdataClient(
                        HotdataClientConfig.builder()
                                .endpoint(server.endpoint())
                                .apiKey(server.apiKey())
                                .workspaceId(server.workspaceId())
                                .build());
        db =
                client.createDatabase(
                        CreateDatabaseRequest.builder()
                                .name("registry_" + UUID.randomUUID().toString().substring(0, 8))
                                .schemas(
                                        Collections.singletonList(
                                                new SchemaDeclaration(
                                                        "public",
                                                        Collections.singletonList(
                                                                TableDeclaration.of("other")))))
                                .build());
        registry = new HotdataTableRegistry(client, db.id(), "public");
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private int registryLoads() {
        return server.requestLog().count("POST", ".*/tables/_flink_tables/loads");
    }

    private long registryRows() throws Exception {
        Object count =
                client.query(db.id(), "SELECT count(*) FROM public._flink_tables")
                        .rows()
                        .get(0)
                        .get(0);
        return Long.parseLong(String.valueOf(count));
    }

    @Test
    void aMissingRegistryReadsAsNull() throws Exception {
        assertThat(registry.read(null)).isNull();
        assertThat(registry.read("orders")).isNull();
    }

    @Test
    void anEntryIsReadBackAsWritten() throws Exception {
        HotdataTableRegistry.Entry orders =
                HotdataTableRegistry.Entry.of(
                        TableDeclaration.builder()
                                .name("orders")
                                .key("region", "id")
                                .partitionBy(
                                        Collections.singletonList(
                                                new PartitionKey("day", PartitionKey.IDENTITY)))
                                .sortedBy(
                                        Collections.singletonList(
                                                new SortKey("id", "desc", "last")))
                                .build());
        HotdataTableRegistry.Entry plain =
                new HotdataTableRegistry.Entry("Events", null, null, null);
        registry.record(orders, Instant.now());
        registry.record(plain, Instant.now());

        Map<String, HotdataTableRegistry.Entry> all = registry.read(null);
        assertThat(all).containsOnlyKeys("orders", "events");
        assertThat(all.get("orders")).isEqualTo(orders);
        assertThat(all.get("orders").key()).containsExactly("region", "id"); // order kept
        assertThat(all.get("events").key()).isEmpty();
        assertThat(registry.read("ORDERS")).containsOnlyKeys("orders");
        assertThat(registry.read("missing")).isEmpty();

        // the registry itself has no layout, so its loads need no 'replace' first
        TableInfo info =
                client.informationSchema(
                                InformationSchemaRequest.builder()
                                        .connectionId(db.defaultConnectionId())
                                        .schema("public")
                                        .table(HotdataTableRegistry.TABLE)
                                        .build())
                        .tables()
                        .get(0);
        assertThat(info.partitionBy()).isEmpty();
        assertThat(info.sortedBy()).isEmpty();
    }

    @Test
    void writesAreUpsertsByTableSoRepeatingThemKeepsOneRow() throws Exception {
        HotdataTableRegistry.Entry first =
                new HotdataTableRegistry.Entry("kv", Arrays.asList("k"), null, null);
        registry.record(first, Instant.now());
        registry.record(first, Instant.now()); // a replay after a restart
        assertThat(registryRows()).isEqualTo(1);

        HotdataTableRegistry.Entry rekeyed = first.withKey(Arrays.asList("k", "v"));
        registry.record(rekeyed, Instant.now());
        assertThat(registryRows()).isEqualTo(1);
        assertThat(registry.read("kv").get("kv")).isEqualTo(rekeyed);
    }

    @Test
    void ensureWritesOnlyWhatChanged() throws Exception {
        HotdataTableRegistry.Entry entry =
                new HotdataTableRegistry.Entry("kv", Arrays.asList("k"), null, null);
        int before = registryLoads();
        assertThat(registry.ensure(entry, Instant.now())).isTrue(); // no registry yet
        assertThat(registry.ensure(entry, Instant.now())).isFalse();
        assertThat(registryLoads()).isEqualTo(before + 1);

        assertThat(registry.ensure(entry.withKey(Collections.emptyList()), Instant.now())).isTrue();
        assertThat(registryLoads()).isEqualTo(before + 2);
        assertThat(registry.read("kv").get("kv").key()).isEmpty();
    }
}
