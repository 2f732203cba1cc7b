package dev.hotdata.local;

import dev.hotdata.local.api.LockScope;
import dev.hotdata.local.api.ServerReadings;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.fault.FaultRule;
import dev.hotdata.local.fault.LockHold;
import dev.hotdata.local.fault.RequestLogEntry;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server readings (upload re-use, failed-load consumption), upload aging and the claim faults. */
class ReadingsITCase {
    @RegisterExtension static final HotdataLocalExtension HOTDATA = new HotdataLocalExtension();
    @TempDir Path tmp;

    private final Api api = new Api(HOTDATA.server());

    @AfterEach
    void reset() {
        HOTDATA.server().faults().clear();
        HOTDATA.server().readings().reset();
    }

    private ServerReadings readings() {
        return HOTDATA.server().readings();
    }

    private String db() {
        return api.createDatabase().get("id").asText();
    }

    private Api.Resp append(String db, String table, String upload) {
        return api.load(db, "s", table, obj("mode", "append", "upload_id", upload));
    }

    private String count(String db, String table) {
        return api.rows(db, "SELECT count(*) FROM s." + table).toString();
    }

    private List<RequestLogEntry> loads(String db) {
        return HOTDATA.server().requestLog().matching("POST", "/v1/databases/" + db + "/.*/loads");
    }

    @Test
    void defaultsAreReplayAndFailedLoadsDoNotConsume() {
        assertThat(readings().uploadReuse()).isEqualTo(UploadReuse.REPLAY);
        assertThat(readings().failedLoadConsumesUpload()).isFalse();
    }

    @Test
    void replayAnswersTheOriginalResponseAndAppliesNothing() {
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT range AS id FROM range(3)");
        Api.Resp first = append(db, "t", up);
        assertThat(first.status).isEqualTo(200);
        // same status and body, whatever table and mode the re-send names
        Api.Resp again = append(db, "t", up);
        assertThat(again.status).isEqualTo(200);
        assertThat(again.json).isEqualTo(first.json);
        Api.Resp other = api.load(db, "s", "other", obj("mode", "replace", "upload_id", up));
        assertThat(other.status).isEqualTo(200);
        assertThat(other.json).isEqualTo(first.json);
        assertThat(count(db, "t")).isEqualTo("[[3]]");
        assertThat(api.query(db, "SELECT * FROM s.other").errorCode()).isEqualTo("TABLE_NOT_FOUND");
        List<RequestLogEntry> log = loads(db);
        assertThat(log).extracting(RequestLogEntry::replayed).containsExactly(false, true, true);
        assertThat(HOTDATA.server().requestLog().countReplayed("POST", ".*/loads"))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void conflictReadingAnswers409AndReadingsSwitchAtRunTime() {
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT range AS id FROM range(3)");
        Api.Resp first = append(db, "t", up);
        readings().uploadReuse(UploadReuse.CONFLICT);
        Api.Resp again = append(db, "t", up);
        assertThat(again.status).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("CONFLICT");
        assertThat(count(db, "t")).isEqualTo("[[3]]");
        // back to REPLAY: the receipt was kept all along
        readings().uploadReuse(UploadReuse.REPLAY);
        Api.Resp replayed = append(db, "t", up);
        assertThat(replayed.status).isEqualTo(200);
        assertThat(replayed.json).isEqualTo(first.json);
        assertThat(loads(db))
                .extracting(RequestLogEntry::replayed)
                .containsExactly(false, false, true);
    }

    @Test
    void replayOfAnAsyncLoadAnswersTheJobResultSynchronouslyAndSurvivesRestart() {
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT range AS id FROM range(4)");
        Api.Resp submitted =
                api.load(db, "s", "t", obj("mode", "append", "async", true, "upload_id", up));
        assertThat(submitted.status).isEqualTo(202);
        String job = submitted.json.get("id").asText();
        Api.await(
                "job done",
                Duration.ofSeconds(30),
                () -> api.get("/v1/jobs/" + job).json.get("status").asText().equals("succeeded"));
        JsonNode result = api.get("/v1/jobs/" + job).json.get("result");
        Api.Resp again =
                api.load(db, "s", "t", obj("mode", "append", "async", true, "upload_id", up));
        assertThat(again.status).isEqualTo(200);
        assertThat(again.json).isEqualTo(result);
        HOTDATA.server().restart();
        Api.Resp afterRestart = append(db, "t", up);
        assertThat(afterRestart.status).isEqualTo(200);
        assertThat(afterRestart.json).isEqualTo(result);
        assertThat(count(db, "t")).isEqualTo("[[4]]");
    }

    @Test
    void anUploadHeldByARunningLoadAnswers409ConflictInBothReadings() {
        for (UploadReuse reuse : UploadReuse.values()) {
            readings().uploadReuse(reuse);
            String db = db();
            String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
            FaultRule hold = HOTDATA.server().faults().delayAfterClaim(1, Duration.ofSeconds(2));
            Api.Resp running =
                    api.load(db, "s", "t", obj("mode", "append", "async", true, "upload_id", up));
            assertThat(running.status).isEqualTo(202);
            Api.await("claim held", Duration.ofSeconds(10), () -> hold.hits() == 1);
            Api.Resp racing = append(db, "t", up);
            assertThat(racing.status).as(reuse.name()).isEqualTo(409);
            assertThat(racing.errorCode()).isEqualTo("CONFLICT");
            String job = running.json.get("id").asText();
            Api.await(
                    "job done",
                    Duration.ofSeconds(30),
                    () ->
                            api.get("/v1/jobs/" + job)
                                    .json
                                    .get("status")
                                    .asText()
                                    .equals("succeeded"));
            assertThat(count(db, "t")).isEqualTo("[[1]]");
        }
    }

    @Test
    void failedLoadReleasesTheUploadByDefault() {
        for (UploadReuse reuse : UploadReuse.values()) {
            readings().uploadReuse(reuse);
            String db = db();
            String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
            FaultRule fail = HOTDATA.server().faults().failAfterClaim(1, 500, "INTERNAL");
            Api.Resp failed = append(db, "t", up);
            assertThat(failed.status).isEqualTo(500);
            assertThat(failed.errorCode()).isEqualTo("INTERNAL");
            assertThat(fail.hits()).isEqualTo(1);
            // released: loadable again, and it loads
            Api.Resp retry = append(db, "t", up);
            assertThat(retry.status).as(reuse.name()).isEqualTo(200);
            assertThat(count(db, "t")).isEqualTo("[[1]]");
        }
        assertThat(HOTDATA.server().faults().failedAfterClaim()).isEqualTo(2);
        // a real failure (invalid Parquet) releases too: the re-send fails again, not replayed
        String db = db();
        String garbage = api.upload(new byte[] {'P', 'A', 'R', '1', 0, 1}, "application/parquet");
        assertThat(append(db, "t", garbage).errorCode()).isEqualTo("INVALID_PARQUET");
        assertThat(append(db, "t", garbage).errorCode()).isEqualTo("INVALID_PARQUET");
        assertThat(loads(db)).extracting(RequestLogEntry::replayed).containsExactly(false, false);
    }

    @Test
    void failedLoadConsumesUnderReplayAndReplaysTheError() {
        readings().failedLoadConsumesUpload(true);
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        HOTDATA.server().faults().failAfterClaim(1, 503, "PERSISTENCE_UNAVAILABLE");
        Api.Resp failed = append(db, "t", up);
        assertThat(failed.status).isEqualTo(503);
        assertThat(failed.errorCode()).isEqualTo("PERSISTENCE_UNAVAILABLE");
        Api.Resp again = append(db, "t", up);
        assertThat(again.status).isEqualTo(503);
        assertThat(again.json).isEqualTo(failed.json);
        assertThat(api.query(db, "SELECT * FROM s.t").errorCode()).isEqualTo("TABLE_NOT_FOUND");
        assertThat(loads(db)).extracting(RequestLogEntry::replayed).containsExactly(false, true);
        assertThat(HOTDATA.server().faults().failedAfterClaim()).isEqualTo(1);

        // a real failure: invalid Parquet
        String garbage = api.upload(new byte[] {'P', 'A', 'R', '1', 0, 1}, "application/parquet");
        Api.Resp bad = append(db, "t", garbage);
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("INVALID_PARQUET");
        Api.Resp badAgain = append(db, "t", garbage);
        assertThat(badAgain.status).isEqualTo(400);
        assertThat(badAgain.json).isEqualTo(bad.json);
        // the receipt survives a restart
        HOTDATA.server().restart();
        assertThat(append(db, "t", garbage).json).isEqualTo(bad.json);
    }

    @Test
    void failedLoadConsumesUnderConflictAnswers409() {
        readings().failedLoadConsumesUpload(true).uploadReuse(UploadReuse.CONFLICT);
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        HOTDATA.server().faults().failAfterClaim(1, 500, "INTERNAL");
        assertThat(append(db, "t", up).status).isEqualTo(500);
        Api.Resp again = append(db, "t", up);
        assertThat(again.status).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("CONFLICT");
        // a real failure: duplicate keys in an upsert
        String dup = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id UNION ALL SELECT 1::BIGINT");
        Api.Resp bad =
                api.load(
                        db,
                        "s",
                        "k",
                        obj("mode", "upsert", "key", Api.arr("id"), "upload_id", dup));
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("DUPLICATE_KEY");
        Api.Resp badAgain =
                api.load(
                        db,
                        "s",
                        "k",
                        obj("mode", "upsert", "key", Api.arr("id"), "upload_id", dup));
        assertThat(badAgain.status).isEqualTo(409);
        assertThat(badAgain.errorCode()).isEqualTo("CONFLICT");
    }

    @Test
    void aLockedLoadNeverConsumesItsUpload() {
        readings().failedLoadConsumesUpload(true);
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        try (LockHold hold = HOTDATA.server().faults().holdLock(db)) {
            Api.Resp locked = append(db, "t", up);
            assertThat(locked.status).isEqualTo(409);
            assertThat(locked.errorCode()).isEqualTo("RESOURCE_LOCKED");
        }
        assertThat(append(db, "t", up).status).isEqualTo(200);
        assertThat(count(db, "t")).isEqualTo("[[1]]");
    }

    @Test
    void consumedReceiptsAndReadyUploadsAreForgottenAfterAging() {
        String db = db();
        String consumed = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        assertThat(append(db, "t", consumed).status).isEqualTo(200);
        String ready = api.uploadParquet(tmp, "SELECT 2::BIGINT AS id");
        assertThat(append(db, "t", consumed).status).isEqualTo(200); // replayed
        HOTDATA.server().faults().ageUploads(Duration.ofHours(25));
        Api.Resp gone = append(db, "t", consumed);
        assertThat(gone.status).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("UPLOAD_NOT_FOUND");
        assertThat(append(db, "t", ready).errorCode()).isEqualTo("UPLOAD_NOT_FOUND");
        // uploads finalized after the aging are not aged
        String fresh = api.uploadParquet(tmp, "SELECT 3::BIGINT AS id");
        assertThat(append(db, "t", fresh).status).isEqualTo(200);
        // kept across a restart
        HOTDATA.server().restart();
        assertThat(append(db, "t", consumed).errorCode()).isEqualTo("UPLOAD_NOT_FOUND");
        assertThat(count(db, "t")).isEqualTo("[[2]]");
    }

    @Test
    void agingOverHttpAndUnderConflict() {
        readings().uploadReuse(UploadReuse.CONFLICT);
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        append(db, "t", up);
        assertThat(append(db, "t", up).errorCode()).isEqualTo("CONFLICT");
        assertThat(
                        api.post("/_local/faults", obj("kind", "age_uploads", "by_ms", 90_000_000L))
                                .status)
                .isEqualTo(204);
        assertThat(append(db, "t", up).errorCode()).isEqualTo("UPLOAD_NOT_FOUND");
    }

    @Test
    void reapplyConsumedUploadsDoublesRowsAndReportsIt() {
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT range AS id FROM range(3)");
        Api.Resp first = append(db, "t", up);
        FaultRule broken = HOTDATA.server().faults().reapplyConsumedUploads(1);
        Api.Resp dup = append(db, "t", up);
        assertThat(dup.status).isEqualTo(200);
        assertThat(dup.json.get("row_count").asLong()).isEqualTo(6);
        assertThat(count(db, "t")).isEqualTo("[[6]]");
        assertThat(broken.hits()).isEqualTo(1);
        assertThat(HOTDATA.server().faults().reappliedLoads()).isEqualTo(1);
        assertThat(loads(db).get(1).replayed()).isFalse();
        // spent: the next re-send is a replay of the original receipt again
        Api.Resp replay = append(db, "t", up);
        assertThat(replay.json).isEqualTo(first.json);
        assertThat(count(db, "t")).isEqualTo("[[6]]");
        assertThat(HOTDATA.server().faults().reappliedLoads()).isEqualTo(1);
    }

    @Test
    void readingsAndClaimFaultsOverHttp() {
        Api.Resp unauthorized =
                api.withKey("bad").post("/_local/readings", obj("upload_reuse", "conflict"));
        assertThat(unauthorized.status).isEqualTo(401);
        Api.Resp set =
                api.withWorkspace(null)
                        .post(
                                "/_local/readings",
                                obj(
                                        "upload_reuse",
                                        "conflict",
                                        "failed_load_consumes_upload",
                                        true));
        assertThat(set.status).isEqualTo(200);
        assertThat(set.json.get("upload_reuse").asText()).isEqualTo("conflict");
        assertThat(readings().uploadReuse()).isEqualTo(UploadReuse.CONFLICT);
        assertThat(readings().failedLoadConsumesUpload()).isTrue();
        assertThat(api.post("/_local/readings", obj("upload_reuse", "maybe")).status)
                .isEqualTo(400);
        assertThat(api.post("/_local/readings", obj("upload_reuse", "replay")).status)
                .isEqualTo(200);
        assertThat(readings().uploadReuse()).isEqualTo(UploadReuse.REPLAY);
        assertThat(readings().failedLoadConsumesUpload()).isTrue(); // untouched
        assertThat(api.get("/_local/readings").json.get("failed_load_consumes_upload").asBoolean())
                .isTrue();
        readings().reset();
        assertThat(readings().failedLoadConsumesUpload()).isFalse();

        String db = db();
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        assertThat(
                        api.post(
                                        "/_local/faults",
                                        obj(
                                                "kind",
                                                "fail_after_claim",
                                                "times",
                                                1,
                                                "status",
                                                500,
                                                "code",
                                                "INTERNAL"))
                                .status)
                .isEqualTo(204);
        assertThat(append(db, "t", up).errorCode()).isEqualTo("INTERNAL");
        assertThat(append(db, "t", up).status).isEqualTo(200);
        assertThat(api.post("/_local/faults", obj("kind", "reapply_consumed", "times", 1)).status)
                .isEqualTo(204);
        assertThat(append(db, "t", up).status).isEqualTo(200);
        assertThat(count(db, "t")).isEqualTo("[[2]]");
        assertThat(HOTDATA.server().faults().reappliedLoads()).isEqualTo(1);
        assertThat(HOTDATA.server().faults().failedAfterClaim()).isEqualTo(1);
        assertThat(append(db, "t", up).status).isEqualTo(200); // a replay, in the HTTP log
        assertThat(
                        api
                                .get("/_local/requests")
                                .json
                                .get("requests")
                                .findValues("replayed")
                                .stream()
                                .anyMatch(JsonNode::asBoolean))
                .isTrue();
    }

    /** The first listed table of the database's schema {@code s}, with its columns. */
    private JsonNode listedTable(JsonNode db) {
        return api.get(
                        "/v1/information_schema?connection_id="
                                + db.get("default_connection_id").asText()
                                + "&schema=s")
                .json
                .get("tables")
                .get(0);
    }

    @Test
    void theListingCarriesTheKeyOnlyUnderTheReading() {
        JsonNode db = api.createDatabase();
        String id = db.get("id").asText();
        api.post("/v1/databases/" + id + "/schemas", obj("name", "s"));
        assertThat(
                        api.post(
                                        "/v1/databases/" + id + "/schemas/s/tables",
                                        obj("name", "keyed", "key", Api.arr("id")))
                                .status)
                .isEqualTo(201);

        // default: the public TableInfo shape, no 'key' field at all
        assertThat(readings().listingHasKey()).isFalse();
        JsonNode plain = listedTable(db);
        assertThat(plain.get("table").asText()).isEqualTo("keyed");
        assertThat(plain.has("key")).isFalse();

        readings().listingHasKey(true);
        assertThat(listedTable(db).get("key")).hasSize(1);
        assertThat(listedTable(db).get("key").get(0).asText()).isEqualTo("id");

        Api.Resp off =
                api.withWorkspace(null).post("/_local/readings", obj("listing_has_key", false));
        assertThat(off.status).isEqualTo(200);
        assertThat(off.json.get("listing_has_key").asBoolean()).isFalse();
        assertThat(listedTable(db).has("key")).isFalse();
        assertThat(api.post("/_local/readings", obj("listing_has_key", "yes")).status)
                .isEqualTo(400);
        assertThat(api.post("/_local/readings", obj("listing_has_key", true)).status)
                .isEqualTo(200);
        assertThat(api.get("/_local/readings").json.get("listing_has_key").asBoolean()).isTrue();
        readings().reset();
        assertThat(listedTable(db).has("key")).isFalse();
    }

    private String jobStatus(Api.Resp submitted) {
        return api.get("/v1/jobs/" + submitted.json.get("id").asText()).json.get("status").asText();
    }

    /**
     * Two loads at once, the first holding its lock (delay after its claim): under TABLE a load
     * into another table of the database is 200, under DATABASE 409 RESOURCE_LOCKED; a second load
     * into the same table is 409 under both.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(LockScope.class)
    void concurrentLoadsIntoDifferentTablesRunTogetherOnlyUnderTableScope(LockScope scope) {
        readings().lockScope(scope);
        String db = db();
        String a1 = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        String a2 = api.uploadParquet(tmp, "SELECT 2::BIGINT AS id");
        String b1 = api.uploadParquet(tmp, "SELECT 3::BIGINT AS id");
        FaultRule running = HOTDATA.server().faults().delayAfterClaim(1, Duration.ofSeconds(5));
        Api.Resp first =
                api.load(db, "s", "a", obj("mode", "append", "async", true, "upload_id", a1));
        assertThat(first.status).isEqualTo(202);
        Api.await("a's load holds its lock", Duration.ofSeconds(10), () -> running.hits() == 1);

        Api.Resp otherTable = append(db, "b", b1);
        Api.Resp sameTable = append(db, "a", a2);
        // both answered while a's load still held its lock (5 s): evidence of the overlap
        assertThat(jobStatus(first)).isNotEqualTo("succeeded");
        if (scope == LockScope.TABLE) {
            assertThat(otherTable.status).isEqualTo(200);
        } else {
            assertThat(otherTable.status).isEqualTo(409);
            assertThat(otherTable.errorCode()).isEqualTo("RESOURCE_LOCKED");
        }
        assertThat(sameTable.status).isEqualTo(409);
        assertThat(sameTable.errorCode()).isEqualTo("RESOURCE_LOCKED");

        Api.await(
                "a's load done",
                Duration.ofSeconds(30),
                () -> jobStatus(first).equals("succeeded"));
        assertThat(count(db, "a")).isEqualTo("[[1]]");
        // the refused loads did not consume their uploads
        assertThat(append(db, "a", a2).status).isEqualTo(200);
        assertThat(append(db, "b", b1).status).isEqualTo(200);
        assertThat(count(db, "a")).isEqualTo("[[2]]");
        assertThat(count(db, "b")).isEqualTo("[[1]]");
        assertThat(loads(db).stream().filter(e -> e.status() == 409).count())
                .isEqualTo(scope == LockScope.TABLE ? 1 : 2);
    }

    /**
     * A load of one table held in its lock until released (delay after claim by path): under TABLE
     * a load into another table completes meanwhile; the held load then completes.
     */
    @Test
    void aLoadHeldUntilReleasedWhileAnotherTableLoads() {
        readings().lockScope(LockScope.TABLE);
        String db = db();
        String a = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        String b = api.uploadParquet(tmp, "SELECT 2::BIGINT AS id");
        FaultRule held =
                HOTDATA.server()
                        .faults()
                        .delayAfterClaim(
                                1,
                                "/v1/databases/[^/]+/schemas/s/tables/a/loads",
                                Duration.ofMinutes(2));
        Api.Resp first =
                api.load(db, "s", "a", obj("mode", "append", "async", true, "upload_id", a));
        assertThat(first.status).isEqualTo(202);
        Api.await("a's load holds its lock", Duration.ofSeconds(10), () -> held.hits() == 1);
        assertThat(append(db, "b", b).status).isEqualTo(200);
        assertThat(jobStatus(first)).isNotEqualTo("succeeded"); // held until released
        held.release();
        Api.await(
                "a's load done",
                Duration.ofSeconds(30),
                () -> jobStatus(first).equals("succeeded"));
        assertThat(count(db, "a")).isEqualTo("[[1]]");
        assertThat(count(db, "b")).isEqualTo("[[1]]");
    }

    /**
     * A held table (as by a running load of it) refuses loads into that table under both scopes,
     * and into the database's other tables only under DATABASE; a held database refuses every table
     * under both, also tables that do not exist yet.
     */
    @Test
    void heldTablesAndDatabasesUnderEachScope() {
        String db = db();
        String up = api.uploadParquet(tmp, "SELECT 1::BIGINT AS id");
        readings().lockScope(LockScope.TABLE);
        try (LockHold a = HOTDATA.server().faults().holdTableLock(db, "s", "A")) {
            assertThat(append(db, "a", up).errorCode()).isEqualTo("RESOURCE_LOCKED");
            // switched while the table is held: the database lock is not free either
            readings().lockScope(LockScope.DATABASE);
            assertThat(append(db, "b", up).errorCode()).isEqualTo("RESOURCE_LOCKED");
            readings().lockScope(LockScope.TABLE);
            assertThat(append(db, "b", up).status).isEqualTo(200);
            assertThat(a.isHeld()).isTrue();
        }
        String other = api.uploadParquet(tmp, "SELECT 2::BIGINT AS id");
        for (LockScope scope : LockScope.values()) {
            readings().lockScope(scope);
            try (LockHold whole = HOTDATA.server().faults().holdLock(db)) {
                assertThat(append(db, "a", other).errorCode())
                        .as(scope.name())
                        .isEqualTo("RESOURCE_LOCKED");
                assertThat(append(db, "b", other).errorCode())
                        .as(scope.name())
                        .isEqualTo("RESOURCE_LOCKED");
                assertThat(append(db, "new_table", other).errorCode())
                        .as(scope.name())
                        .isEqualTo("RESOURCE_LOCKED");
            }
        }
        assertThat(append(db, "a", other).status).isEqualTo(200);
        assertThat(count(db, "a")).isEqualTo("[[1]]");
        assertThat(count(db, "b")).isEqualTo("[[1]]");
    }

    @Test
    void lockScopeOverHttpOnTheBuilderAndTheCommandLine() {
        assertThat(readings().lockScope()).isEqualTo(LockScope.DATABASE);
        assertThat(api.get("/_local/readings").json.get("lock_scope").asText())
                .isEqualTo("database");
        Api.Resp set = api.withWorkspace(null).post("/_local/readings", obj("lock_scope", "table"));
        assertThat(set.status).isEqualTo(200);
        assertThat(set.json.get("lock_scope").asText()).isEqualTo("table");
        assertThat(readings().lockScope()).isEqualTo(LockScope.TABLE);
        assertThat(api.post("/_local/readings", obj("lock_scope", "schema")).status).isEqualTo(400);
        assertThat(api.post("/_local/readings", obj("lock_scope", true)).status).isEqualTo(400);
        assertThat(readings().lockScope()).isEqualTo(LockScope.TABLE);
        assertThat(api.delete("/_local/readings").json.get("lock_scope").asText())
                .isEqualTo("database");
        assertThat(readings().lockScope()).isEqualTo(LockScope.DATABASE);

        HotdataLocalMain.Options o =
                HotdataLocalMain.parse(
                        new String[] {
                            "--data-dir", tmp.resolve("cli").toString(), "--lock-scope", "TABLE"
                        });
        try (HotdataLocalServer s = o.builder.dataDir(o.dataDir).build()) {
            assertThat(s.readings().lockScope()).isEqualTo(LockScope.TABLE);
            s.readings().lockScope(LockScope.DATABASE).reset();
            assertThat(s.readings().lockScope()).isEqualTo(LockScope.TABLE);
        }
        assertThatThrownBy(
                        () ->
                                HotdataLocalMain.parse(
                                        new String[] {
                                            "--data-dir", tmp.toString(), "--lock-scope", "row"
                                        }))
                .isInstanceOf(IllegalArgumentException.class);
        try (HotdataLocalServer s =
                HotdataLocalServer.builder()
                        .dataDir(tmp.resolve("b"))
                        .lockScope(LockScope.TABLE)
                        .build()) {
            assertThat(s.readings().lockScope()).isEqualTo(LockScope.TABLE);
        }
    }

    @Test
    void readingsOnTheBuilderAndTheCommandLine() {
        HotdataLocalMain.Options o =
                HotdataLocalMain.parse(
                        new String[] {
                            "--data-dir",
                            tmp.resolve("cli").toString(),
                            "--upload-reuse",
                            "conflict",
                            "--failed-load-consumes-upload",
                            "--listing-has-key",
                            "--port",
                            "0"
                        });
        try (HotdataLocalServer s = o.builder.dataDir(o.dataDir).build()) {
            assertThat(s.readings().uploadReuse()).isEqualTo(UploadReuse.CONFLICT);
            assertThat(s.readings().failedLoadConsumesUpload()).isTrue();
            assertThat(s.readings().listingHasKey()).isTrue();
            s.readings()
                    .uploadReuse(UploadReuse.REPLAY)
                    .failedLoadConsumesUpload(false)
                    .listingHasKey(false);
            s.readings().reset(); // back to what the command line chose
            assertThat(s.readings().uploadReuse()).isEqualTo(UploadReuse.CONFLICT);
            assertThat(s.readings().failedLoadConsumesUpload()).isTrue();
            assertThat(s.readings().listingHasKey()).isTrue();
        }
        HotdataLocalMain.Options defaults =
                HotdataLocalMain.parse(new String[] {"--data-dir", tmp.toString()});
        try (HotdataLocalServer s = defaults.builder.dataDir(defaults.dataDir).build()) {
            assertThat(s.readings().uploadReuse()).isEqualTo(UploadReuse.REPLAY);
            assertThat(s.readings().failedLoadConsumesUpload()).isFalse();
            assertThat(s.readings().listingHasKey()).isFalse();
        }
        assertThatThrownBy(
                        () ->
                                HotdataLocalMain.parse(
                                        new String[] {
                                            "--data-dir", tmp.toString(), "--upload-reuse", "maybe"
                                        }))
                .isInstanceOf(IllegalArgumentException.class);
        try (HotdataLocalServer s =
                HotdataLocalServer.builder()
                        .dataDir(tmp.resolve("b"))
                        .uploadReuse(UploadReuse.CONFLICT)
                        .failedLoadConsumesUpload(true)
                        .build()) {
            assertThat(s.readings().uploadReuse()).isEqualTo(UploadReuse.CONFLICT);
            assertThat(s.readings().failedLoadConsumesUpload()).isTrue();
        }
    }
}
