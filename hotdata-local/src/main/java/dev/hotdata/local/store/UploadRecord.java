package dev.hotdata.local.store;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.TreeMap;

/** An upload session and, once finalized, the uploaded object. */
public final class UploadRecord {
    public static final String CREATED = "created";
    public static final String READY = "ready";
    public static final String CONSUMED = "consumed";

    public String id;
    public String workspaceId;
    public String finalizeToken;

    /** {@code single} or {@code multipart}. */
    public String mode;

    public boolean streaming;
    public Long declaredSize;
    public long partSize;
    public String contentType;
    public String contentEncoding;
    public String filename;
    public String checksumValue;
    public String status = CREATED;
    public long sizeBytes;
    public String createdAt;
    public long finalizedAtMillis;

    /** When a load consumed the upload (its receipt expires an upload TTL later). */
    public long consumedAtMillis;

    /** The consuming load's final answer, replayed to re-sends: HTTP status and JSON body. */
    public Integer receiptStatus;

    public JsonNode receiptBody;

    /**
     * The table file (relative path) the consuming load published from this upload, if any; the
     * {@code reapplyConsumedUploads} fault loads it again.
     */
    public String receiptFile;

    /** Uploaded parts: number → quoted ETag / size. Single uploads use part 0. */
    public TreeMap<Integer, String> partEtags = new TreeMap<>();

    public TreeMap<Integer, Long> partSizes = new TreeMap<>();
}
