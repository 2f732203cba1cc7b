package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataClock;
import dev.hotdata.flink.connector.client.HotdataErrorCodes;
import dev.hotdata.flink.connector.client.HotdataException;
import dev.hotdata.flink.connector.client.RetryPolicy;
import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Loads one finalized upload into a table, safely again and again: the one place that decides what
 * the server's answer to a re-sent upload means.
 *
 * <ul>
 *   <li>200: published, by this load or, re-sent, by the earlier one whose result the server
 *       replays.
 *   <li>409 {@code CONFLICT} (the attested code of a claim conflict): the server has claimed the
 *       upload for another load. It is re-sent a few times, so that a load still running ends (a
 *       replay or a fresh load then answers 200). Still claimed after that, it was consumed by an
 *       earlier load: published, unless the commit log records that the server refused a load of
 *       it. A 409 with any other code (an incompatible column type, say) is a refusal.
 *   <li>404: the upload is unknown or expired. Published only if the commit log names it; anything
 *       else fails with what the user needs to know.
 *   <li>any other refusal: recorded in the commit log (so that a later "consumed" is not taken for
 *       "published") and raised.
 * </ul>
 *
 * No decision rests on an error code other than the attested {@code RESOURCE_LOCKED} (transient,
 * retried by the client) and {@code CONFLICT}, nor on a message text; an unknown code is a refusal,
 * which fails loudly rather than skip.
 */
@Internal
final class HotdataUploadLoader {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataUploadLoader.class);

    /** Loads run as jobs with a synchronous window, as Hotdata's own clients load. */
    private static final int ASYNC_AFTER_MS = 10_000;

    /**
     * How often a claimed upload is re-sent before it counts as consumed: with the default back-off
     * (1 s doubling) a load still running gets about 7 s to end.
     */
    static final int CLAIM_CONFIRMATIONS = 3;

    private final HotdataClient client;
    private final HotdataSinkConfig config;
    private final String databaseId;
    private final HotdataCommitLog log;
    private final HotdataClock sleeper;
    private final Clock clock;
    private final Counter loads;
    private final Counter loadedRows;

    /**
     * Uploads this committer loaded (200): a later "claimed" answer for one of them is this load's
     * claim, whatever the log says of an earlier refusal.
     */
    private final Set<String> loadedHere = new HashSet<>();

    HotdataUploadLoader(
            HotdataClient client,
            HotdataSinkConfig config,
            String databaseId,
            HotdataCommitLog log,
            HotdataClock sleeper,
            Clock clock,
            Counter loads,
            Counter loadedRows) {
        this.client = client;
        this.config = config;
        this.databaseId = databaseId;
        this.log = log;
        this.sleeper = sleeper;
        this.clock = clock;
        this.loads = loads;
        this.loadedRows = loadedRows;
    }

    /** Publishes one upload of {@code c} into {@code table} with {@code mode}. */
    void load(String table, HotdataUploadedFile file, LoadMode mode, HotdataCommittable c)
            throws HotdataException, HotdataTargetException {
        RetryPolicy policy = config.clientConfig().retryPolicy();
        int confirmations = Math.max(1, Math.min(CLAIM_CONFIRMATIONS, policy.maxRetries()));
        for (int attempt = 0; ; attempt++) {
            try {
                client.load(databaseId, config.schema(), table, request(file, mode));
                loadedHere.add(file.uploadId());
                loads.inc();
                loadedRows.inc(file.rowCount());
                return;
            } catch (HotdataException e) {
                if (e.isTransient()) {
                    throw e;
                }
                if (e.statusCode() == 404) {
                    requireLogged(file, c, e);
                    return;
                }
                if (!isClaimConflict(e)) {
                    if (!isRefusal(e)) {
                        throw e; // not a definite answer (a timeout, say): it may have loaded
                    }
                    recordFailure(file, c, e);
                    throw new HotdataTargetException(
                            "Hotdata refused to publish checkpoint "
                                    + c.checkpointId()
                                    + " into "
                                    + config.targetDescription()
                                    + (table.equals(config.table()) ? "" : " (stage " + table + ")")
                                    + ": the load of "
                                    + describe(c, file)
                                    + " was refused ("
                                    + e.statusCode()
                                    + (e.errorCode() == null ? "" : " " + e.errorCode())
                                    + "): "
                                    + e.serverMessage()
                                    + ". The uploads stay in Flink's checkpoint: the next attempt"
                                    + " loads them again, unless Hotdata keeps a refused upload"
                                    + " consumed, in which case its rows cannot be published and"
                                    + " the job keeps failing here.",
                            e);
                }
                if (attempt < confirmations) {
                    // claimed by a load that may still be running: let it end
                    pause(
                            policy.backoff(
                                    attempt + 1,
                                    e.retryAfterSeconds().isPresent()
                                            ? Duration.ofSeconds(e.retryAfterSeconds().getAsLong())
                                            : null));
                    continue;
                }
                if (!loadedHere.contains(file.uploadId())
                        && log != null
                        && log.recordsFailed(c.sinkId(), file.uploadId())) {
                    throw new HotdataTargetException(
                            "The "
                                    + describe(c, file)
                                    + " was consumed by a load that Hotdata refused (recorded in "
                                    + HotdataCommitLog.TABLE
                                    + "); its rows were never published and cannot be loaded"
                                    + " again. Server: "
                                    + e.getMessage(),
                            e);
                }
                LOG.info(
                        "Upload {} of checkpoint {} was consumed by an earlier load; counting it"
                                + " as published ({})",
                        file.uploadId(),
                        c.checkpointId(),
                        e.getMessage());
                return;
            }
        }
    }

    /** Forgets the uploads of a committable that is published and logged. */
    void forget(HotdataCommittable c) {
        for (HotdataUploadedFile file : c.files()) {
            loadedHere.remove(file.uploadId());
        }
    }

    private LoadRequest request(HotdataUploadedFile file, LoadMode mode) {
        LoadRequest.Builder request =
                LoadRequest.builder()
                        .uploadId(file.uploadId())
                        .mode(mode)
                        .async(true)
                        .asyncAfterMs(ASYNC_AFTER_MS);
        if (mode == LoadMode.UPSERT || mode == LoadMode.DELETE) {
            request.key(config.keyColumns());
        }
        return request.build();
    }

    private void requireLogged(HotdataUploadedFile file, HotdataCommittable c, HotdataException e)
            throws HotdataException, HotdataTargetException {
        if (log != null && log.recordsPublished(c.sinkId(), file.uploadId())) {
            LOG.info(
                    "Upload {} of checkpoint {} is gone from Hotdata and recorded as published in"
                            + " {}",
                    file.uploadId(),
                    c.checkpointId(),
                    HotdataCommitLog.TABLE);
            return;
        }
        throw new HotdataTargetException(
                "The "
                        + describe(c, file)
                        + " is unknown to Hotdata ("
                        + e.statusCode()
                        + (e.errorCode() == null ? "" : " " + e.errorCode())
                        + ": "
                        + e.serverMessage()
                        + ") and "
                        + HotdataCommitLog.TABLE
                        + " does not record it as published. Uploads expire when they stay"
                        + " unloaded too long (about 24 hours), so a checkpoint restored after"
                        + " that cannot be published: its rows ("
                        + c.rowCount()
                        + " in checkpoint "
                        + c.checkpointId()
                        + ", uploads "
                        + c.uploadIds()
                        + ") must be produced again, e.g. by restarting the job from a source"
                        + " position before that checkpoint without its state.",
                e);
    }

    /** A 409 saying that another load holds or held the upload. */
    private static boolean isClaimConflict(HotdataException e) {
        return e.statusCode() == 409 && HotdataErrorCodes.CONFLICT.equals(e.errorCode());
    }

    /** Whether the server definitely refused the load (rather than leaving its fate open). */
    private static boolean isRefusal(HotdataException e) {
        return (e.statusCode() >= 400 && e.statusCode() < 500)
                || HotdataErrorCodes.JOB_FAILED.equals(e.errorCode());
    }

    private void recordFailure(HotdataUploadedFile file, HotdataCommittable c, HotdataException e) {
        if (log == null) {
            return;
        }
        try {
            log.appendFailure(c, file, clock.instant());
        } catch (HotdataException | RuntimeException logFailure) {
            LOG.warn(
                    "Could not record the refused load of upload {} in {}: {}",
                    file.uploadId(),
                    HotdataCommitLog.TABLE,
                    logFailure.getMessage());
        }
    }

    private void pause(Duration wait) throws HotdataException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new HotdataException(
                    "load", 0, HotdataErrorCodes.INTERRUPTED, "interrupted", false, null, ie);
        }
    }

    private static String describe(HotdataCommittable c, HotdataUploadedFile file) {
        return "upload "
                + file.uploadId()
                + " ("
                + file.rowCount()
                + " rows) of checkpoint "
                + c.checkpointId()
                + " of sink "
                + c.sinkId();
    }
}
