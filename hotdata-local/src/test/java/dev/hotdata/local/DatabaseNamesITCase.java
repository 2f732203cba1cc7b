package dev.hotdata.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Database get-or-create ({@code if_not_exists}, {@code created}) and the look-up by name
 * (sdk-python {@code DatabasesApi}: {@code create_database}, {@code lookup_database_by_name};
 * newer-evidence row 11), under both readings of {@code databaseNameLookup}.
 */
class DatabaseNamesITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();

    private final Api api = new Api(HOTDATA.server());

    @AfterEach
    void reset() {
        HOTDATA.server().readings().reset();
    }

    private Api.Resp create(String name, boolean ifNotExists) {
        return api.post("/v1/databases", obj("name", name, "if_not_exists", ifNotExists));
    }

    private Api.Resp byName(String name) {
        return api.get(
                "/v1/databases/by-name?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    @Test
    void ifNotExistsCreatesOnceThenAnswersTheExistingDatabase() {
        Api.Resp first = create("gc-one", true);
        assertThat(first.status).isEqualTo(201);
        assertThat(first.json.get("created").asBoolean()).isTrue();
        Api.Resp again = create("gc-one", true);
        assertThat(again.status).isEqualTo(200);
        assertThat(again.json.get("created").isBoolean()).isTrue();
        assertThat(again.json.get("created").asBoolean()).isFalse();
        assertThat(again.json.get("id").asText()).isEqualTo(first.json.get("id").asText());
        assertThat(again.json.get("default_connection_id").asText())
                .isEqualTo(first.json.get("default_connection_id").asText());
        // matching ignores the case of Latin letters
        assertThat(create("GC-One", true).json.get("id").asText())
                .isEqualTo(first.json.get("id").asText());
        // without if_not_exists a second database of the name is created, as before
        Api.Resp plain = create("gc-one", false);
        assertThat(plain.status).isEqualTo(201);
        assertThat(plain.json.get("created").asBoolean()).isTrue();
        assertThat(plain.json.get("id").asText()).isNotEqualTo(first.json.get("id").asText());
        // now the name is shared: no single database to return
        Api.Resp shared = create("gc-one", true);
        assertThat(shared.status).isEqualTo(409);
        assertThat(shared.errorCode()).isEqualTo("CONFLICT");
    }

    @Test
    void racingGetOrCreatesMakeOneDatabase() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Api.Resp>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Api.Resp> c =
                        () -> {
                            start.await();
                            return create("raced", true);
                        };
                answers.add(pool.submit(c));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            int created = 0;
            for (Future<Api.Resp> f : answers) {
                Api.Resp r = f.get();
                assertThat(r.status).isIn(200, 201);
                ids.add(r.json.get("id").asText());
                created += r.json.get("created").asBoolean() ? 1 : 0;
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
            assertThat(api.get("/v1/databases?search=raced").json.get("databases")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lookupByName() {
        String id = create("Look-Me", false).json.get("id").asText();
        create("look-me-not", false);
        Api.Resp found = byName("look-me");
        assertThat(found.status).isEqualTo(200);
        assertThat(found.json.get("id").asText()).isEqualTo(id);
        assertThat(found.json.get("default_connection_id").asText()).isNotEmpty();
        assertThat(found.json.get("attachments").isArray()).isTrue();
        // only ASCII letters fold: "É" is not "é"
        create("Émile", false);
        assertThat(byName("émile").status).isEqualTo(404);
        assertThat(byName("Émile").status).isEqualTo(200);

        Api.Resp none = byName("nobody");
        assertThat(none.status).isEqualTo(404);
        assertThat(none.errorCode()).isEqualTo("NOT_FOUND");
        assertThat(api.get("/v1/databases/by-name").status).isEqualTo(400);

        create("twin", false);
        create("twin", false);
        Api.Resp twins = byName("twin");
        assertThat(twins.status).isEqualTo(409);
        assertThat(twins.errorCode()).isEqualTo("CONFLICT");
    }

    @Test
    void anOlderServerIgnoresIfNotExistsAndHasNoLookup() {
        HOTDATA.server().readings().databaseNameLookup(false);
        Api.Resp first = create("old-srv", true);
        Api.Resp second = create("old-srv", true);
        assertThat(first.status).isEqualTo(201);
        assertThat(second.status).isEqualTo(201);
        assertThat(first.json.has("created")).isFalse();
        assertThat(second.json.has("created")).isFalse();
        assertThat(second.json.get("id").asText()).isNotEqualTo(first.json.get("id").asText());
        // creation times order creations even within one millisecond: the older server's
        // creators settle on the earliest, which a later creation can never displace
        assertThat(createdAt(second.json.get("id").asText()))
                .isAfter(createdAt(first.json.get("id").asText()));
        // the path is taken for GET /v1/databases/{id}: no database has the id "by-name"
        Api.Resp lookup = byName("old-srv");
        assertThat(lookup.status).isEqualTo(404);

        HOTDATA.server().readings().reset();
        assertThat(HOTDATA.server().readings().databaseNameLookup()).isTrue();
        assertThat(byName("old-srv").status).isEqualTo(409);
    }

    private java.time.Instant createdAt(String databaseId) {
        Api.Resp db = api.get("/v1/databases/" + databaseId);
        assertThat(db.status).isEqualTo(200);
        return java.time.Instant.parse(db.json.get("created_at").asText());
    }

    @Test
    void theReadingIsSwitchableOverHttp() {
        Api control = new Api(HOTDATA.endpoint(), HOTDATA.apiKey(), null);
        Api.Resp set = control.post("/_local/readings", obj("database_name_lookup", false));
        assertThat(set.status).isEqualTo(200);
        assertThat(set.json.get("database_name_lookup").asBoolean()).isFalse();
        assertThat(HOTDATA.server().readings().databaseNameLookup()).isFalse();
        Api.Resp reset = control.delete("/_local/readings");
        assertThat(reset.json.get("database_name_lookup").asBoolean()).isTrue();
        assertThat(control.post("/_local/readings", obj("database_name_lookup", "no")).status)
                .isEqualTo(400);
    }

    @Test
    void countDatabases() {
        create("count-a", false);
        create("count-b", false);
        create("other", false);
        Api.Resp c = api.get("/v1/databases/count?search=count-");
        assertThat(c.status).isEqualTo(200);
        assertThat(c.json.get("total").asLong()).isEqualTo(2);
    }
}
