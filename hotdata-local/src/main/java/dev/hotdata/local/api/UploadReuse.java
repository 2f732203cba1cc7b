package dev.hotdata.local.api;

/**
 * What a load answers when it names an {@code upload_id} already consumed by a finished load (a
 * server reading, see {@link ServerReadings}).
 */
public enum UploadReuse {
    /**
     * The original load's response (same status and body) is answered again and nothing is applied:
     * the server keeps a receipt per consumed upload (hotdata-api-newer-evidence.md row 1; the
     * default).
     */
    REPLAY,
    /** 409 with the attested code {@code CONFLICT} (the older, strict reading). */
    CONFLICT
}
