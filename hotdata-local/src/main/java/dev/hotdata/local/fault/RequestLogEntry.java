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

    public RequestLogEntry(
            long timestampMillis,
            String method,
            String path,
            String query,
            int status,
            long requestBytes,
            boolean dropped,
            String errorCode) {
        this.timestampMillis = timestampMillis;
        this.method = method;
        this.path = path;
        this.query = query;
        this.status = status;
        this.requestBytes = requestBytes;
        this.dropped = dropped;
        this.errorCode = errorCode;
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

    @Override
    public String toString() {
        return method
                + " "
                + path
                + " -> "
                + status
                + (dropped ? " (dropped)" : "")
                + " ["
                + requestBytes
                + " B]";
    }
}
