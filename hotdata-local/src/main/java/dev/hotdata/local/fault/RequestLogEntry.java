package dev.hotdata.local.fault;

/** One logged request. */
public final class RequestLogEntry {
    private final long timestampMillis;
    private final String method;
    private final String path;
    private final String query;
    private final int status;
    private final long requestBytes;
    private final boolean dropped;
    private final String errorCode;
    private final boolean replayed;

    public RequestLogEntry(
            long timestampMillis,
            String method,
            String path,
            String query,
            int status,
            long requestBytes,
            boolean dropped,
            String errorCode) {
        this(timestampMillis, method, path, query, status, requestBytes, dropped, errorCode, false);
    }

    public RequestLogEntry(
            long timestampMillis,
            String method,
            String path,
            String query,
            int status,
            long requestBytes,
            boolean dropped,
            String errorCode,
            boolean replayed) {
        this.timestampMillis = timestampMillis;
        this.method = method;
        this.path = path;
        this.query = query;
        this.status = status;
        this.requestBytes = requestBytes;
        this.dropped = dropped;
        this.errorCode = errorCode;
        this.replayed = replayed;
    }

    public long timestampMillis() {
        return timestampMillis;
    }

    public String method() {
        return method;
    }

    /** Path without the query string. */
    public String path() {
        return path;
    }

    /** Raw query string or null. */
    public String query() {
        return query;
    }

    /** Status the server produced (also for dropped responses, which the client never saw). */
    public int status() {
        return status;
    }

    public long requestBytes() {
        return requestBytes;
    }

    /** True when the response was cut by a "drop after apply" fault. */
    public boolean dropped() {
        return dropped;
    }

    /** The {@code error.code} of an error response, else null. */
    public String errorCode() {
        return errorCode;
    }

    /** True when a load was answered from a consumed upload's receipt (a replay). */
    public boolean replayed() {
        return replayed;
    }

    @Override
    public String toString() {
        return method
                + " "
                + path
                + " -> "
                + status
                + (dropped ? " (dropped)" : "")
                + (replayed ? " (replayed)" : "")
                + " ["
                + requestBytes
                + " B]";
    }
}
