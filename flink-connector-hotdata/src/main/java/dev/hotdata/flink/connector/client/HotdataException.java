package dev.hotdata.flink.connector.client;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * A failed Hotdata call: an HTTP error answer, a transport failure (no HTTP answer, {@link
 * #statusCode()} 0), or a client-side condition such as a failed asynchronous job.
 *
 * <p>{@link #isTransient()} tells whether the failure may go away by itself (transport errors, 429,
 * 5xx except 501, 409 {@code RESOURCE_LOCKED}); everything else is terminal. The client already
 * retried a transient failure as far as the call's safety and its {@link RetryPolicy} allowed;
 * {@link #attempts()} says how many attempts were made.
 *
 * <p>Messages never contain the API key: the client redacts it from every server text it copies.
 */
public class HotdataException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String errorCode;
    private final String serverMessage;
    private final boolean isTransient;
    private final long retryAfterSeconds; // -1 = none
    private final String request;
    private final int attempts;
    private final boolean notSent;

    /**
     * Creates an exception.
     *
     * @param request method and path, e.g. {@code "POST /v1/uploads"}; never headers or query
     * @param statusCode HTTP status, 0 when there was no HTTP answer
     * @param errorCode the server's error code, or {@code null}
     * @param serverMessage the server's (redacted) message or body excerpt, or {@code null}
     * @param isTransient whether the failure may go away by itself
     * @param retryAfterSeconds the server's {@code Retry-After}, or {@code null}
     * @param cause the underlying exception, or {@code null}
     */
    public HotdataException(
            String request,
            int statusCode,
            String errorCode,
            String serverMessage,
            boolean isTransient,
            Long retryAfterSeconds,
            Throwable cause) {
        this(
                request,
                statusCode,
                errorCode,
                serverMessage,
                isTransient,
                retryAfterSeconds == null ? -1 : retryAfterSeconds,
                1,
                false,
                null,
                cause);
    }

    HotdataException(
            String request,
            int statusCode,
            String errorCode,
            String serverMessage,
            boolean isTransient,
            long retryAfterSeconds,
            int attempts,
            boolean notSent,
            String note,
            Throwable cause) {
        super(formatMessage(request, statusCode, errorCode, serverMessage, attempts, note), cause);
        this.request = request;
        this.statusCode = statusCode;
        this.errorCode = errorCode;
        this.serverMessage = serverMessage;
        this.isTransient = isTransient;
        this.retryAfterSeconds = retryAfterSeconds;
        this.attempts = attempts;
        this.notSent = notSent;
    }

    /** The HTTP status, or 0 when no HTTP answer was received (transport error, failed job…). */
    public int statusCode() {
        return statusCode;
    }

    /** The server's {@code error.code} (e.g. {@code RESOURCE_LOCKED}), or {@code null}. */
    public String errorCode() {
        return errorCode;
    }

    /** The server's error message (or an excerpt of its body), redacted; may be {@code null}. */
    public String serverMessage() {
        return serverMessage;
    }

    /** Whether this failure may go away by itself (see the class comment). */
    public boolean isTransient() {
        return isTransient;
    }

    /** The server's {@code Retry-After} in seconds, if it sent one. */
    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds < 0 ? OptionalLong.empty() : OptionalLong.of(retryAfterSeconds);
    }

    /** The failed request as method and path, e.g. {@code "POST /v1/databases/db1/…/loads"}. */
    public String request() {
        return request;
    }

    /** How many attempts the client made before giving up (1 = not retried). */
    public int attempts() {
        return attempts;
    }

    /**
     * True when the request certainly did not reach the server (connection refused, unknown host):
     * retrying is safe even for non-idempotent calls.
     */
    boolean notSent() {
        return notSent;
    }

    /** A copy recording the number of attempts and why retrying stopped. */
    HotdataException afterAttempts(int attemptsMade, String why) {
        HotdataException copy =
                new HotdataException(
                        request,
                        statusCode,
                        errorCode,
                        serverMessage,
                        isTransient,
                        retryAfterSeconds,
                        attemptsMade,
                        notSent,
                        why,
                        getCause());
        copy.setStackTrace(getStackTrace());
        for (Throwable s : getSuppressed()) {
            copy.addSuppressed(s);
        }
        return copy;
    }

    private static String formatMessage(
            String request,
            int statusCode,
            String errorCode,
            String serverMessage,
            int attempts,
            String note) {
        StringBuilder sb = new StringBuilder();
        sb.append(request == null ? "Hotdata call" : request).append(" failed: ");
        if (statusCode > 0) {
            sb.append("HTTP ").append(statusCode);
        } else if (errorCode == null) {
            sb.append("no HTTP response");
        }
        if (errorCode != null) {
            sb.append(statusCode > 0 ? " " : "").append(errorCode);
        }
        if (serverMessage != null && !serverMessage.isEmpty()) {
            sb.append(": ").append(serverMessage);
        }
        if (attempts > 1 || note != null) {
            sb.append(" (");
            sb.append(attempts).append(attempts == 1 ? " attempt" : " attempts");
            if (note != null) {
                sb.append("; ").append(note);
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
