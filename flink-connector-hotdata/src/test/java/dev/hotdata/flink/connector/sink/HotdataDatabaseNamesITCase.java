package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataAmbiguousNameException;
import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClientConfig;
import dev.hotdata.flink.connector.client.model.CreateDatabaseRequest;
import dev.hotdata.flink.connector.client.model.DatabaseInfo;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;
import dev.hotdata.local.HotdataLocalExtension;
import dev.hotdata.local.HotdataLocalServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Database create-or-find and the look-up by name, under both server readings: a server that offers
 * {@code if_not_exists} / {@code GET /v1/databases/by-name} ({@code databaseNameLookup = true}) and
 * an older one that does not (the list-and-settle fallback).
 */
class HotdataDatabaseNamesITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    @AfterEach
    void reset() {
        HOTDATA.server().readings().reset();
    }

    private static HotdataClient client() {
        HotdataLocalServer s = HOTDATA.server();
        return new HotdataClient(
                HotdataClientConfig.builder()
                        .endpoint(s.endpoint())
                        .apiKey(s.apiKey())
                        .workspaceId(s.workspaceId())
                        .build());
    }

    private static void reading(boolean offered) {
        HOTDATA.server().readings().databaseNameLookup(offered);
    }

    private static int lookups() {
        return HOTDATA.server().requestLog().count("GET", "/v1/databases/by-name");
    }

    private static CreateDatabaseRequest request(String name) {
        return CreateDatabaseRequest.builder().name(name).ifNotExists(true).build();
    }

    @ParameterizedTest(name = "lookup offered: {0}")
    @ValueSource(booleans = {true, false})
    void racingCreatorsEndUpWithOneDatabase(boolean offered) throws Exception {
        reading(offered);
        String name = "race_" + offered;
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try (HotdataClient client = client()) {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<String> c =
                        () -> {
                            try (HotdataClient own = client()) {
                                start.await();
                                return HotdataTarget.createOrFind(own, request(name)).id();
                            }
                        };
                ids.add(pool.submit(c));
            }
            start.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> f : ids) {
                distinct.add(f.get());
            }
            assertThat(distinct).hasSize(1);
            // exactly one database of the name is left (losers of the settle deleted theirs)
            List<DatabaseSummary> left = new ArrayList<>();
            for (DatabaseSummary db : client.listAllDatabases(name)) {
                if (db.name().equals(name)) {
                    left.add(db);
                }
            }
            assertThat(left).extracting(DatabaseSummary::id).containsExactlyElementsOf(distinct);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "lookup offered: {0}")
    @ValueSource(booleans = {true, false})
    void createOrFindReturnsTheExistingDatabase(boolean offered) throws Exception {
        reading(offered);
        String name = "again_" + offered;
        try (HotdataClient client = client()) {
            DatabaseInfo first = HotdataTarget.createOrFind(client, request(name));
            DatabaseInfo second = HotdataTarget.createOrFind(client, request(name));
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(second.defaultConnectionId()).isEqualTo(first.defaultConnectionId());
            if (offered) {
                assertThat(first.created()).isTrue();
                assertThat(second.created()).isFalse();
            } else {
                assertThat(first.created()).isNull();
            }
        }
    }

    @ParameterizedTest(name = "lookup offered: {0}")
    @ValueSource(booleans = {true, false})
    void lookupByName(boolean offered) throws Exception {
        reading(offered);
        String name = "Find_Me_" + offered;
        try (HotdataClient client = client()) {
            String id =
                    client.createDatabase(CreateDatabaseRequest.builder().name(name).build()).id();
            client.createDatabase(CreateDatabaseRequest.builder().name(name + "_not").build());
            int before = lookups();
            DatabaseSummary found = client.findDatabaseByName(name.toLowerCase());
            assertThat(found).isNotNull();
            assertThat(found.id()).isEqualTo(id);
            assertThat(client.findDatabaseByName("nobody_" + offered)).isNull();
            // the by-name route is asked under both readings; the older server's 404 falls back
            assertThat(lookups() - before).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "lookup offered: {0}")
    @ValueSource(booleans = {true, false})
    void anAmbiguousNameIsAClearError(boolean offered) throws Exception {
        reading(offered);
        String name = "twin_" + offered;
        try (HotdataClient client = client()) {
            String a =
                    client.createDatabase(CreateDatabaseRequest.builder().name(name).build()).id();
            String b =
                    client.createDatabase(CreateDatabaseRequest.builder().name(name).build()).id();
            assertThatThrownBy(() -> client.findDatabaseByName(name))
                    .isInstanceOf(HotdataAmbiguousNameException.class)
                    .hasMessageContaining(a)
                    .hasMessageContaining(b)
                    .satisfies(
                            e ->
                                    assertThat(((HotdataAmbiguousNameException) e).matches())
                                            .extracting(DatabaseSummary::id)
                                            .containsExactlyInAnyOrder(a, b));
            if (offered) {
                // get-or-create of a shared name: 409, reported with the ids
                assertThatThrownBy(() -> HotdataTarget.createOrFind(client, request(name)))
                        .isInstanceOf(HotdataTargetException.class)
                        .hasMessageContaining(a)
                        .hasMessageContaining(b);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void creationTimesOrderAsInstantsNotAsText() {
        // as text "...:00Z" sorts after "...:00.5Z"
        assertThat(HotdataTarget.createdAt("2026-12-03T10:00:00Z"))
                .isBefore(HotdataTarget.createdAt("2026-12-03T10:00:00.5Z"));
        assertThat(HotdataTarget.createdAt("2026-12-03T10:00:00.000001Z"))
                .isBefore(HotdataTarget.createdAt("2026-12-03T10:00:00.000002Z"));
        assertThat(HotdataTarget.createdAt("2026-12-03T11:00:00+01:00"))
                .isEqualTo(HotdataTarget.createdAt("2026-12-03T10:00:00Z"));
        // unknown ages never win
        assertThat(HotdataTarget.createdAt(null))
                .isAfter(HotdataTarget.createdAt("9999-01-01T00:00:00Z"));
        assertThat(HotdataTarget.createdAt("yesterday")).isEqualTo(java.time.Instant.MAX);
    }
}
