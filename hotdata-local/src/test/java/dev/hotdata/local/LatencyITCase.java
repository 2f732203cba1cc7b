package dev.hotdata.local;

import dev.hotdata.local.latency.Latency;
import dev.hotdata.local.latency.LatencyProfile;
import dev.hotdata.local.latency.RequestClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The latency profile end to end: the server waits the delays it draws (and records), a load holds
 * the write lock only for its LOAD_APPLY part, waiting requests do not queue behind each other, and
 * the profile is switchable from the builder, the command line and over HTTP.
 */
class LatencyITCase {
    private static final double SCALE = 0.05;
    private static final long SEED = 11;

    @RegisterExtension
    static final HotdataLocalExtension HOTDATA =
            new HotdataLocalExtension(
                    b ->
                            b.latencyProfile(LatencyProfile.CLOUD)
                                    .latencyScale(SCALE)
                                    .latencySeed(SEED));

    @TempDir Path tmp;

    private final Api api = new Api(HOTDATA.server());

    @BeforeEach
    @AfterEach
    void reset() {
        HOTDATA.server().latency().reset().clearRecords();
    }

    @Test
    void eachRequestWaitsTheDelayDrawnFromTheSeed() {
        Latency lat = HOTDATA.server().latency();
        String db = api.createDatabase().get("id").asText();
        byte[] parquet = Api.parquet(tmp, "SELECT 1 AS id");
        lat.seed(SEED).clearRecords(); // the draws restart: a mirror predicts each of them
        Latency mirror = new Latency(LatencyProfile.CLOUD, SCALE, SEED);

        ObjectNode createBody =
                obj("declared_size_bytes", parquet.length, "content_type", "application/parquet");
        long t = System.nanoTime();
        Api.Resp s = api.post("/v1/uploads", createBody);
        double createMs = sinceMillis(t);
        assertThat(s.status).isEqualTo(201);
        t = System.nanoTime();
        assertThat(Api.put(s.json.get("url").asText(), parquet).status).isEqualTo(200);
        double putMs = sinceMillis(t);
        t = System.nanoTime();
        Api.Resp f =
                api.post(
                        "/v1/uploads/" + s.json.get("upload_id").asText() + "/finalize",
                        obj(),
                        "X-Upload-Finalize-Token",
                        s.json.get("finalize_token").asText());
        double finalizeMs = sinceMillis(t);
        assertThat(f.status).isEqualTo(200);
        ObjectNode loadBody = obj("mode", "append", "upload_id", s.json.get("upload_id").asText());
        t = System.nanoTime();
        assertThat(api.load(db, "s", "t", loadBody).status).isEqualTo(200);
        double loadMs = sinceMillis(t);
        String sql = "SELECT count(*) AS n FROM s.t";
        t = System.nanoTime();
        Api.Resp q = api.query(db, sql);
        double queryMs = sinceMillis(t);
        assertThat(q.json.get("rows").get(0).get(0).asLong()).isEqualTo(1);

        // the server drew exactly the seeded sequence, one draw per request (phase)
        expectDraw(lat, mirror, RequestClass.UPLOAD_CREATE, bytes(createBody));
        expectDraw(lat, mirror, RequestClass.STORAGE_PUT, parquet.length);
        expectDraw(lat, mirror, RequestClass.UPLOAD_FINALIZE, 2);
        expectDraw(lat, mirror, RequestClass.LOAD_ACCEPT, bytes(loadBody));
        expectDraw(lat, mirror, RequestClass.LOAD_APPLY, 0);
        expectDraw(lat, mirror, RequestClass.QUERY, bytes(obj("sql", sql)));
        assertThat(lat.count(RequestClass.LOAD_LOCKED)).isZero();
        // ... and each request took at least what was drawn for it
        assertThat(createMs).isGreaterThanOrEqualTo(only(lat, RequestClass.UPLOAD_CREATE));
        assertThat(putMs).isGreaterThanOrEqualTo(only(lat, RequestClass.STORAGE_PUT));
        assertThat(finalizeMs).isGreaterThanOrEqualTo(only(lat, RequestClass.UPLOAD_FINALIZE));
        assertThat(loadMs)
                .isGreaterThanOrEqualTo(
                        only(lat, RequestClass.LOAD_ACCEPT) + only(lat, RequestClass.LOAD_APPLY));
        assertThat(queryMs).isGreaterThanOrEqualTo(only(lat, RequestClass.QUERY));
    }

    @Test
    void aLoadCostsSeveralQueries() {
        Latency lat = HOTDATA.server().latency();
        String db = api.createDatabase().get("id").asText();
        lat.clearRecords();
        int n = 7;
        for (int i = 0; i < n; i++) {
            String up = api.uploadParquet(tmp, "SELECT " + i + " AS id");
            assertThat(api.load(db, "s", "t", obj("mode", "append", "upload_id", up)).status)
                    .isEqualTo(200);
            assertThat(api.query(db, "SELECT count(*) AS n FROM s.t").status).isEqualTo(200);
        }
        List<Double> accept = lat.draws(RequestClass.LOAD_ACCEPT);
        List<Double> apply = lat.draws(RequestClass.LOAD_APPLY);
        assertThat(accept).hasSize(n);
        assertThat(apply).hasSize(n);
        double[] loads = new double[n];
        double[] sequences = new double[n];
        for (int i = 0; i < n; i++) {
            loads[i] = accept.get(i) + apply.get(i);
            sequences[i] =
                    loads[i]
                            + lat.draws(RequestClass.UPLOAD_CREATE).get(i)
                            + lat.draws(RequestClass.STORAGE_PUT).get(i)
                            + lat.draws(RequestClass.UPLOAD_FINALIZE).get(i);
        }
        double query = median(lat.draws(RequestClass.QUERY).stream().mapToDouble(d -> d).toArray());
        // cloud: a load ~1.3 s and an upload-and-load ~2.1 s against a ~400 ms query
        assertThat(median(loads) / query).isBetween(2.0, 5.0);
        assertThat(median(sequences) / query).isBetween(3.5, 7.5);
        assertThat(median(sequences)).isBetween(2112 * SCALE * 0.7, 2112 * SCALE * 1.3);
    }

    @Test
    void aLoadHoldsTheWriteLockWhileItApplies() throws Exception {
        Latency lat = HOTDATA.server().latency();
        String db = api.createDatabase().get("id").asText();
        lat.profile(LatencyProfile.NONE);
        String u1 = api.uploadParquet(tmp, "SELECT 1 AS id");
        String u2 = api.uploadParquet(tmp, "SELECT 2 AS id");
        lat.set(
                        LatencyProfile.builder("test")
                                .figure(RequestClass.LOAD_APPLY, 4000, 4000)
                                .figure(RequestClass.LOAD_LOCKED, 300, 300)
                                .build(),
                        1.0,
                        SEED)
                .clearRecords();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            long t1 = System.nanoTime();
            Future<Api.Resp> first =
                    pool.submit(
                            () -> api.load(db, "s", "t1", obj("mode", "append", "upload_id", u1)));
            // the draw is recorded when the load starts waiting, holding the lock
            Api.await(
                    "the first load to hold the lock",
                    Duration.ofSeconds(10),
                    () -> lat.count(RequestClass.LOAD_APPLY) == 1);
            // a second load into the same database (another table) is refused, after its delay
            long t2 = System.nanoTime();
            Api.Resp second = api.load(db, "s", "t2", obj("mode", "append", "upload_id", u2));
            assertThat(sinceMillis(t2)).isGreaterThanOrEqualTo(300.0);
            assertThat(second.status).isEqualTo(409);
            assertThat(second.errorCode()).isEqualTo("RESOURCE_LOCKED");
            assertThat(lat.count(RequestClass.LOAD_LOCKED)).isEqualTo(1);
            // requests that take no lock are not held up by the waiting load
            assertThat(api.query(db, "SELECT 1 AS x").status).isEqualTo(200);
            assertThat(api.get("/v1/databases").status).isEqualTo(200);
            assertThat(first.isDone()).as("the first load still holds the lock").isFalse();

            assertThat(first.get(30, TimeUnit.SECONDS).status).isEqualTo(200);
            assertThat(sinceMillis(t1)).isGreaterThanOrEqualTo(4000.0);
            // the refused load gave its upload back: it loads now that the lock is free
            lat.profile(LatencyProfile.NONE);
            assertThat(api.load(db, "s", "t2", obj("mode", "append", "upload_id", u2)).status)
                    .isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitingRequestsDoNotQueueBehindEachOther() throws Exception {
        Latency lat = HOTDATA.server().latency();
        lat.set(
                        LatencyProfile.builder("test")
                                .figure(RequestClass.OTHER, 2000, 2000)
                                .build(),
                        1.0,
                        SEED)
                .clearRecords();
        int n = 48; // more than the 32 request threads the server used to have
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Api.Resp>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> api.get("/v1/databases")));
            }
            for (Future<Api.Resp> a : answers) {
                assertThat(a.get(60, TimeUnit.SECONDS).status).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(lat.count(RequestClass.OTHER)).isEqualTo(n);
        assertThat(lat.maxConcurrentPauses()).isGreaterThan(32);
    }

    @Test
    void switchableOverHttp() {
        Latency lat = HOTDATA.server().latency();
        Api.Resp r = api.post("/_local/latency", obj("profile", "none"));
        assertThat(r.status).isEqualTo(200);
        assertThat(r.json.get("profile").asText()).isEqualTo("none");
        assertThat(lat.active()).isFalse();
        String db = api.createDatabase().get("id").asText();
        String up = api.uploadParquet(tmp, "SELECT 1 AS id");
        assertThat(api.load(db, "s", "t", obj("mode", "append", "upload_id", up)).status)
                .isEqualTo(200);
        for (RequestClass c : RequestClass.values()) {
            assertThat(lat.count(c)).as("draws of %s under none", c).isZero();
        }

        r = api.post("/_local/latency", obj("profile", "cloud", "scale", 0.01, "seed", 5));
        assertThat(r.status).isEqualTo(200);
        assertThat(lat.profile()).isSameAs(LatencyProfile.CLOUD);
        assertThat(lat.scale()).isEqualTo(0.01);
        assertThat(lat.seed()).isEqualTo(5);
        JsonNode apply = classJson(api.get("/_local/latency").json, "load_apply");
        assertThat(apply.get("median_ms").asDouble()).isCloseTo(6.6, within(1e-9));
        assertThat(apply.get("p95_ms").asDouble()).isCloseTo(9.9, within(1e-9));
        // control requests never wait
        assertThat(lat.count(RequestClass.OTHER)).isZero();

        assertThat(api.post("/_local/latency", obj("profile", "lan")).status).isEqualTo(400);
        assertThat(api.post("/_local/latency", obj("scale", -1)).status).isEqualTo(400);
        assertThat(lat.scale()).isEqualTo(0.01);

        r = api.delete("/_local/latency");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.json.get("profile").asText()).isEqualTo("cloud");
        assertThat(lat.scale()).isEqualTo(SCALE);
        assertThat(lat.seed()).isEqualTo(SEED);
    }

    @Test
    void commandLine() {
        HotdataLocalMain.Options o =
                HotdataLocalMain.parse(
                        new String[] {
                            "--data-dir", tmp.toString(),
                            "--latency-profile", "cloud",
                            "--latency-scale", "0.1",
                            "--latency-seed", "7"
                        });
        HotdataLocalServer s = o.builder.dataDir(tmp).build();
        assertThat(s.latency().profile()).isSameAs(LatencyProfile.CLOUD);
        assertThat(s.latency().scale()).isEqualTo(0.1);
        assertThat(s.latency().seed()).isEqualTo(7);
        assertThat(HotdataLocalServer.builder().dataDir(tmp).build().latency().profile())
                .isSameAs(LatencyProfile.NONE);
        assertThatThrownBy(
                        () ->
                                HotdataLocalMain.parse(
                                        new String[] {
                                            "--data-dir", tmp.toString(), "--latency-profile", "lan"
                                        }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                HotdataLocalMain.parse(
                                        new String[] {
                                            "--data-dir", tmp.toString(), "--latency-scale", "-1"
                                        }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- helpers

    private static void expectDraw(Latency lat, Latency mirror, RequestClass c, long bodyBytes) {
        assertThat(lat.draws(c)).as("draws of %s", c).hasSize(1);
        assertThat(lat.draws(c).get(0))
                .as("draw of %s", c)
                .isCloseTo(mirror.draw(c, bodyBytes) / 1e6, within(1e-5));
    }

    private static double only(Latency lat, RequestClass c) {
        return lat.draws(c).get(0);
    }

    private static JsonNode classJson(JsonNode latency, String name) {
        for (JsonNode c : latency.get("classes")) {
            if (c.get("class").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no class " + name + " in " + latency);
    }

    private static long bytes(JsonNode body) {
        return body.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static double sinceMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
