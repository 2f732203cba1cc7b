package dev.hotdata.local.latency;

import java.util.Locale;

/**
 * The request classes a {@link LatencyProfile} gives a cost to. Most are whole HTTP requests
 * ({@link #classify}); a load is split in phases: {@link #LOAD_ACCEPT} before it takes the
 * database's write lock, {@link #LOAD_APPLY} while it holds the lock, and {@link #LOAD_LOCKED} for
 * the refusal when the lock is held by another load (409 {@code RESOURCE_LOCKED}).
 */
public enum RequestClass {
    /** {@code POST /v1/uploads} and {@code POST /v1/uploads/batch} (one control-plane call). */
    UPLOAD_CREATE,
    /** {@code POST /v1/uploads/{id}/parts} (more presigned part URLs). */
    UPLOAD_PARTS,
    /** {@code PUT /_storage/...}: the presigned object-storage PUT of a part or a whole file. */
    STORAGE_PUT,
    /** {@code POST /v1/uploads/{id}/finalize}. */
    UPLOAD_FINALIZE,
    /** A load request, before the write lock is taken (routing, validation, reading the data). */
    LOAD_ACCEPT,
    /** A load, while it holds its write lock (database or table; applying and publishing). */
    LOAD_APPLY,
    /** A load refused with 409 {@code RESOURCE_LOCKED}: the extra time until the refusal. */
    LOAD_LOCKED,
    /** {@code POST /v1/query}. */
    QUERY,
    /** {@code GET /v1/results/{id}}. */
    RESULT,
    /** Any other API request: catalog, jobs, query runs, information_schema. */
    OTHER;

    /** The lower-case name used on the command line, over HTTP and in the README. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The class of one HTTP request, or null for the control endpoints ({@code /_local/...}), which
     * never wait.
     */
    public static RequestClass classify(String method, String path) {
        if (path.startsWith("/_local/")) {
            return null;
        }
        if (path.startsWith("/_storage/")) {
            return STORAGE_PUT;
        }
        if (method.equals("POST")) {
            if (path.equals("/v1/uploads") || path.equals("/v1/uploads/batch")) {
                return UPLOAD_CREATE;
            }
            if (path.startsWith("/v1/uploads/") && path.endsWith("/parts")) {
                return UPLOAD_PARTS;
            }
            if (path.startsWith("/v1/uploads/") && path.endsWith("/finalize")) {
                return UPLOAD_FINALIZE;
            }
            if (path.startsWith("/v1/") && path.endsWith("/loads")) {
                return LOAD_ACCEPT;
            }
            if (path.equals("/v1/query")) {
                return QUERY;
            }
        }
        if (method.equals("GET") && path.startsWith("/v1/results/")) {
            return RESULT;
        }
        return OTHER;
    }
}
