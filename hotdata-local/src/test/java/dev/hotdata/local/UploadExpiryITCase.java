package dev.hotdata.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.hotdata.local.Api.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** Finalized-but-unloaded uploads expire after the upload TTL. */
class UploadExpiryITCase {
    @RegisterExtension
    static final HotdataLocalExtension HOTDATA =
            new HotdataLocalExtension(b -> b.uploadTtl(Duration.ofMillis(200)));

    @TempDir Path tmp;

    @Test
    void expiredUploadIsNotFound() {
        Api api = new Api(HOTDATA.server());
        String db = api.createDatabase().get("id").asText();
        String fresh = api.uploadParquet(tmp, "SELECT 1 AS a");
        assertThat(api.load(db, "s", "t", obj("mode", "append", "upload_id", fresh)).status)
                .isEqualTo(200);
        String stale = api.uploadParquet(tmp, "SELECT 2 AS a");
        long finalizedAt = System.currentTimeMillis();
        Api.await(
                "ttl passed",
                Duration.ofSeconds(5),
                () -> System.currentTimeMillis() > finalizedAt + 400);
        Api.Resp r = api.load(db, "s", "t", obj("mode", "append", "upload_id", stale));
        assertThat(r.status).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("UPLOAD_NOT_FOUND");
    }
}
