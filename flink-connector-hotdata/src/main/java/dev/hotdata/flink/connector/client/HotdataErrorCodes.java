package dev.hotdata.flink.connector.client;

import java.util.Locale;

/**
 * Known values of the server's {@code error.code} (reference §2.1 and hotdata-local's README), plus
 * the codes this client assigns itself ({@link #JOB_FAILED}, {@link #CLIENT_TIMEOUT}, {@link
 * #INTERRUPTED}, {@link #PROTOCOL_ERROR}, {@link #LOCAL_IO_ERROR}, {@link #RESULT_FAILED}). Codes
 * not listed here are passed through verbatim.
 */
public final class HotdataErrorCodes {

    // --- generic runtimedb-style codes
    public static final String BAD_REQUEST = "BAD_REQUEST";
    public static final String NOT_FOUND = "NOT_FOUND";

    /**
     * 409 for a claim conflict on an upload (another load holds or held it), and for other
     * conflicts; terminal (attested in Hotdata's Python framework).
     */
    public static final String CONFLICT = "CONFLICT";

    public static final String INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR";
    public static final String BAD_GATEWAY = "BAD_GATEWAY";
    public static final String SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
    public static final String ACCESS_DENIED = "ACCESS_DENIED";

    // --- back-pressure
    /** 429 on {@code POST /v1/query}: admission shedding, with {@code Retry-After}. */
    public static final String OVERLOADED = "OVERLOADED";

    /** 503 on {@code POST /v1/query} when a truncated result cannot be persisted. */
    public static final String PERSISTENCE_UNAVAILABLE = "PERSISTENCE_UNAVAILABLE";

    // --- loads
    /** 409: the database write lock is held by another load; transient. */
    public static final String RESOURCE_LOCKED = "RESOURCE_LOCKED";

    /** 404: unknown or expired upload. */
    public static final String UPLOAD_NOT_FOUND = "UPLOAD_NOT_FOUND";

    /** 400: key-based load mode on a table without a key (message contains "no declared key"). */
    public static final String NO_DECLARED_KEY = "NO_DECLARED_KEY";

    public static final String INCOMPATIBLE_SCHEMA = "INCOMPATIBLE_SCHEMA";
    public static final String DUPLICATE_KEY = "DUPLICATE_KEY";
    public static final String NULL_KEY = "NULL_KEY";

    /** 404/409: the table was deleted (tombstoned) and cannot be re-declared or loaded. */
    public static final String TABLE_DELETED = "TABLE_DELETED";

    /** 413: inline {@code data} larger than 2 MiB. */
    public static final String INLINE_DATA_TOO_LARGE = "INLINE_DATA_TOO_LARGE";

    public static final String INVALID_IDENTIFIER = "INVALID_IDENTIFIER";

    // --- uploads
    /** 501: the deployment cannot presign; use inline data instead. */
    public static final String PRESIGN_UNSUPPORTED = "PRESIGN_UNSUPPORTED";

    public static final String UPLOAD_ALREADY_FINALIZED = "UPLOAD_ALREADY_FINALIZED";
    public static final String SIZE_MISMATCH = "SIZE_MISMATCH";
    public static final String EMPTY_UPLOAD = "EMPTY_UPLOAD";

    // --- codes assigned by this client
    /** An asynchronous job ended {@code failed} or {@code partially_succeeded}. */
    public static final String JOB_FAILED = "JOB_FAILED";

    /** A persisted query result is {@code failed} (HTTP 409 on {@code GET /v1/results/{id}}). */
    public static final String RESULT_FAILED = "RESULT_FAILED";

    /** The client stopped waiting for a job or result (the server-side work may still finish). */
    public static final String CLIENT_TIMEOUT = "CLIENT_TIMEOUT";

    /** The calling thread was interrupted while the client waited. */
    public static final String INTERRUPTED = "INTERRUPTED";

    /** Reading the local file or stream to upload failed. */
    public static final String LOCAL_IO_ERROR = "LOCAL_IO_ERROR";

    /** The server's answer was not understood (unparseable JSON, missing ETag, unknown mode…). */
    public static final String PROTOCOL_ERROR = "PROTOCOL_ERROR";

    private HotdataErrorCodes() {}

    /**
     * Whether {@code e} means "key-based load mode on a table without a key": the {@link
     * #NO_DECLARED_KEY} code, or (servers that do not send it) a message containing "no declared
     * key".
     */
    public static boolean isNoDeclaredKey(HotdataException e) {
        if (NO_DECLARED_KEY.equals(e.errorCode())) {
            return true;
        }
        String m = e.serverMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("no declared key");
    }
}
