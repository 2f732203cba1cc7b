package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP layer of {@link HotdataClient}: the OkHttp clients, sending an API request or a storage
 * PUT, the retry loop ({@link RetryPolicy} and each call's {@link Safety}), mapping failures to
 * {@link HotdataException}, redacting the API key, and parsing JSON answers. The retry rules it
 * applies are the ones {@link HotdataClient}'s class comment documents.
 */
final class HotdataTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HotdataTransport.class);

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    static final String HEADER_WORKSPACE = "X-Workspace-Id";

    /** Storage {@code Retry-After} cap (as the official SDK does). */
    static final long STORAGE_RETRY_AFTER_CAP_SECONDS = 120;

    private static final int ERROR_BODY_MAX_BYTES = 64 * 1024;
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer)\\s+[^\\s\"',;]+");

    /** How a call may be repeated; see {@link HotdataClient}'s class comment. */
    enum Safety {
        /** Retry every transient failure. */
        IDEMPOTENT,
        /** Retry only failures that prove the request was not applied. */
        REJECTED_ONLY,
        /** Never retry. */
        NEVER
    }

    private final HotdataClientConfig config;
    private final HotdataClock clock;
    private final OkHttpClient api;
    private final OkHttpClient storage;
    private final HttpUrl base;
    private final ObjectMapper mapper = HotdataJson.mapper();
    private final String apiKey;
    private final AtomicLong resourceLockedAnswers = new AtomicLong();

    HotdataTransport(HotdataClientConfig config, HotdataClock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.apiKey = config.apiKey();
        this.base = HttpUrl.get(config.endpoint());
        this.api =
                new OkHttpClient.Builder()
                        .connectTimeout(config.connectTimeout())
                        .readTimeout(config.readTimeout())
                        .writeTimeout(config.writeTimeout())
                        .followRedirects(false)
                        .followSslRedirects(false)
                        .build();
        this.storage = api.newBuilder().build();
    }

    HotdataClientConfig config() {
        return config;
    }

    HotdataClock clock() {
        return clock;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** The storage PUT of {@link HotdataClient#putToStorage(String, Map, RequestBody)}. */
    String putToStorage(String url, Map<String, String> headers, RequestBody body)
            throws HotdataException {
        Objects.requireNonNull(body, "body");
        HttpUrl target = HttpUrl.parse(Objects.requireNonNull(url, "url"));
        if (target == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + stripQuery(url));
        }
        String desc = "PUT " + stripQuery(target.toString());
        Headers extra = headers == null || headers.isEmpty() ? Headers.of() : Headers.of(headers);
        Safety safety = body.isOneShot() ? Safety.NEVER : Safety.IDEMPOTENT;
        return withRetry(
                desc,
                safety,
                STORAGE_RETRY_AFTER_CAP_SECONDS,
                () -> {
                    Request req =
                            new Request.Builder().url(target).headers(extra).put(body).build();
                    try (Response resp = storage.newCall(req).execute()) {
                        if (!resp.isSuccessful()) {
                            throw httpError(
                                    desc,
                                    resp.code(),
                                    resp.headers(),
                                    readBody(resp, ERROR_BODY_MAX_BYTES));
                        }
                        String etag = resp.header("ETag");
                        if (etag == null || etag.trim().isEmpty()) {
                            throw protocolError(
                                    desc, resp.code(), "storage answered without an ETag");
                        }
                        return etag;
                    } catch (HotdataException e) {
                        throw e;
                    } catch (IOException e) {
                        throw transportError(desc, e);
                    }
                });
    }

    /** How a {@code load} may be repeated (see {@link HotdataClient}'s class comment). */
    static Safety loadSafety(LoadRequest request) {
        if (request.uploadId() != null) {
            return Safety.IDEMPOTENT; // claimed once by the server
        }
        if (request.data() != null && request.idempotencyKey() != null) {
            return Safety.IDEMPOTENT;
        }
        if (request.resultId() != null && request.mode() == LoadMode.REPLACE) {
            return Safety.IDEMPOTENT;
        }
        return Safety.REJECTED_ONLY;
    }

    /** Releases connections and threads. */
    @Override
    public void close() {
        api.dispatcher().executorService().shutdown();
        api.connectionPool().evictAll();
    }

    /** A successful HTTP answer, body read. */
    static final class Reply {
        final String desc;
        final int code;
        final Headers headers;
        final String body;

        Reply(String desc, int code, Headers headers, String body) {
            this.desc = desc;
            this.code = code;
            this.headers = headers;
            this.body = body;
        }
    }

    /** One attempt of a call. */
    interface Attempt<T> {
        T run() throws HotdataException;
    }

    HttpUrl.Builder api(String first) {
        return base.newBuilder().addPathSegment("v1").addPathSegment(first);
    }

    static String id(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    /**
     * Sends an API request with the call's retry safety; returns a reply with an accepted status.
     */
    Reply send(
            String method,
            HttpUrl url,
            Object jsonBody,
            Headers extraHeaders,
            Safety safety,
            int... accepted)
            throws HotdataException {
        String desc = method + " " + url.encodedPath();
        byte[] payload;
        try {
            payload = jsonBody == null ? null : mapper.writeValueAsBytes(jsonBody);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot serialise " + jsonBody.getClass().getSimpleName(), e);
        }
        return withRetry(
                desc,
                safety,
                Long.MAX_VALUE,
                () -> {
                    Request.Builder rb =
                            new Request.Builder()
                                    .url(url)
                                    .header("Authorization", "Bearer " + apiKey)
                                    .header(HEADER_WORKSPACE, config.workspaceId())
                                    .header("User-Agent", config.userAgent())
                                    .header("Accept", "application/json");
                    if (extraHeaders != null) {
                        for (int i = 0; i < extraHeaders.size(); i++) {
                            rb.header(extraHeaders.name(i), extraHeaders.value(i));
                        }
                    }
                    rb.method(method, payload == null ? null : new OneShotJson(payload));
                    return exchange(rb.build(), desc, accepted);
                });
    }

    private Reply exchange(Request request, String desc, int[] accepted) throws HotdataException {
        try (Response resp = api.newCall(request).execute()) {
            int code = resp.code();
            boolean ok = false;
            for (int a : accepted) {
                ok |= a == code;
            }
            if (!ok) {
                throw httpError(desc, code, resp.headers(), readBody(resp, ERROR_BODY_MAX_BYTES));
            }
            String body = readBody(resp, Long.MAX_VALUE);
            LOG.debug("Hotdata {} -> {}", desc, code);
            return new Reply(desc, code, resp.headers(), body);
        } catch (HotdataException e) {
            throw e;
        } catch (IOException e) {
            throw transportError(desc, e);
        }
    }

    private static String readBody(Response resp, long maxBytes) throws IOException {
        ResponseBody body = resp.body();
        if (body == null) {
            return "";
        }
        if (maxBytes == Long.MAX_VALUE) {
            return body.string();
        }
        BufferedSource source = body.source();
        Buffer buf = new Buffer();
        while (buf.size() < maxBytes
                && source.read(buf, Math.min(8192, maxBytes - buf.size())) != -1) {
            // keep reading up to the cap; the rest of an oversized error body is discarded
        }
        return buf.readString(StandardCharsets.UTF_8);
    }

    /**
     * Polls something the server works on until {@code done} holds, pausing 0.5 s growing to 5 s
     * (longer when {@code serverWaitMillis} asks for it); after {@code timeout} throws a transient
     * {@link HotdataErrorCodes#CLIENT_TIMEOUT} saying "{@code what} still {@code status} after
     * {@code timeout}" (the work may still finish).
     */
    <T> T poll(
            String desc,
            String what,
            Duration timeout,
            Attempt<T> fetch,
            Predicate<T> done,
            Function<T, String> status,
            ToLongFunction<T> serverWaitMillis)
            throws HotdataException {
        long start = clock.nanoTime();
        long budget = timeout.toNanos();
        long pauseMillis = 500;
        while (true) {
            T value = fetch.run();
            if (done.test(value)) {
                return value;
            }
            long remaining = budget - (clock.nanoTime() - start);
            if (remaining <= 0) {
                throw clientTimeout(
                        desc, what + " still " + status.apply(value) + " after " + timeout);
            }
            long wait = Math.max(pauseMillis, serverWaitMillis.applyAsLong(value));
            pause(
                    desc,
                    Duration.ofMillis(
                            Math.min(wait, TimeUnit.NANOSECONDS.toMillis(remaining) + 1)));
            pauseMillis = Math.min(5000, pauseMillis * 3 / 2);
        }
    }

    /** Runs {@code attempt}, retrying as {@code safety} and the retry policy allow. */
    <T> T withRetry(String desc, Safety safety, long retryAfterCapSeconds, Attempt<T> attempt)
            throws HotdataException {
        RetryPolicy policy = config.retryPolicy();
        long start = clock.nanoTime();
        long deadlineNanos = policy.deadline().toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            HotdataException failure;
            try {
                return attempt.run();
            } catch (HotdataException e) {
                failure = e;
            }
            if (!retryAllowed(safety, failure)) {
                throw attempts > 1 ? failure.afterAttempts(attempts, null) : failure;
            }
            if (attempts > policy.maxRetries()) {
                throw attempts > 1
                        ? failure.afterAttempts(
                                attempts, "gave up after " + policy.maxRetries() + " retries")
                        : failure;
            }
            Duration retryAfter = null;
            if (failure.retryAfterSeconds().isPresent()) {
                retryAfter =
                        Duration.ofSeconds(
                                Math.min(
                                        failure.retryAfterSeconds().getAsLong(),
                                        retryAfterCapSeconds));
            }
            Duration wait = policy.backoff(attempts, retryAfter);
            long elapsed = clock.nanoTime() - start;
            if (elapsed + wait.toNanos() > deadlineNanos) {
                throw failure.afterAttempts(
                        attempts,
                        "retry deadline of "
                                + policy.deadline()
                                + " reached; next retry would have waited "
                                + wait.toMillis()
                                + " ms");
            }
            LOG.warn(
                    "Hotdata call failed, retrying in {} ms (attempt {} of at most {}): {}",
                    wait.toMillis(),
                    attempts + 1,
                    policy.maxRetries() + 1,
                    failure.getMessage());
            pause(desc, wait);
        }
    }

    static boolean retryAllowed(Safety safety, HotdataException e) {
        if (!e.isTransient()) {
            return false;
        }
        switch (safety) {
            case IDEMPOTENT:
                return true;
            case REJECTED_ONLY:
                if (e.statusCode() == 0) {
                    return e.notSent();
                }
                // 429 and 503 reject before work; the transient 409s are lock/claim rejections
                return e.statusCode() == 429 || e.statusCode() == 503 || e.statusCode() == 409;
            case NEVER:
            default:
                return false;
        }
    }

    void pause(String desc, Duration wait) throws HotdataException {
        try {
            clock.sleep(wait);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new HotdataException(
                    desc,
                    0,
                    HotdataErrorCodes.INTERRUPTED,
                    "interrupted while waiting",
                    false,
                    null,
                    ie);
        }
    }

    /** Classifies an HTTP status (and error code) as transient. */
    static boolean isTransient(int status, String errorCode) {
        if (status == 429) {
            return true;
        }
        if (status >= 500 && status <= 599) {
            return status != 501;
        }
        return status == 409 && HotdataErrorCodes.RESOURCE_LOCKED.equals(errorCode);
    }

    /** 409 {@code RESOURCE_LOCKED} answers received, every attempt counted. */
    long resourceLockedAnswers() {
        return resourceLockedAnswers.get();
    }

    HotdataException httpError(String desc, int status, Headers headers, String body) {
        ErrorBodies.Parsed p = ErrorBodies.parse(redact(body));
        if (status == 409 && HotdataErrorCodes.RESOURCE_LOCKED.equals(p.code)) {
            resourceLockedAnswers.incrementAndGet();
        }
        Long retryAfter = retryAfterSeconds(headers);
        return new HotdataException(
                desc,
                status,
                p.code,
                redact(p.message),
                isTransient(status, p.code),
                retryAfter,
                null);
    }

    HotdataException transportError(String desc, IOException e) {
        if (Thread.currentThread().isInterrupted()
                || (e instanceof InterruptedIOException
                        && !(e instanceof SocketTimeoutException))) {
            return new HotdataException(
                    desc, 0, HotdataErrorCodes.INTERRUPTED, "interrupted", false, null, e);
        }
        boolean notSent =
                e instanceof ConnectException
                        || e instanceof NoRouteToHostException
                        || e instanceof UnknownHostException
                        || (e instanceof SocketTimeoutException
                                && "connect timed out".equals(e.getMessage()));
        boolean tlsFailure =
                e instanceof SSLPeerUnverifiedException || e instanceof SSLHandshakeException;
        String raw = e.getMessage();
        String text = e.getClass().getSimpleName() + (raw == null ? "" : ": " + redact(raw));
        // an exception whose message would reveal the key is not attached as cause
        Throwable cause = raw != null && !apiKey.isEmpty() && raw.contains(apiKey) ? null : e;
        return new HotdataException(desc, 0, null, text, !tlsFailure, -1, 1, notSent, null, cause);
    }

    HotdataException protocolError(String desc, int status, String message) {
        return new HotdataException(
                desc, status, HotdataErrorCodes.PROTOCOL_ERROR, redact(message), false, null, null);
    }

    HotdataException localError(String desc, IOException e) {
        return new HotdataException(
                desc,
                0,
                HotdataErrorCodes.LOCAL_IO_ERROR,
                e.getClass().getSimpleName() + ": " + redact(e.getMessage()),
                false,
                null,
                e);
    }

    private static HotdataException clientTimeout(String desc, String message) {
        return new HotdataException(
                desc, 0, HotdataErrorCodes.CLIENT_TIMEOUT, message, true, null, null);
    }

    /** Removes the API key (and any bearer token) from a text. */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (!apiKey.isEmpty()) {
            out = out.replace(apiKey, "****");
        }
        Matcher m = BEARER.matcher(out);
        return m.find() ? m.replaceAll("$1 ****") : out;
    }

    static Long retryAfterSeconds(Headers headers) {
        String v = headers.get("Retry-After");
        if (v == null) {
            return null;
        }
        try {
            return Math.max(0L, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            java.util.Date date = headers.getDate("Retry-After");
            if (date == null) {
                return null;
            }
            return Math.max(0L, (date.getTime() - System.currentTimeMillis() + 999) / 1000);
        }
    }

    static Long longHeader(Headers headers, String name) {
        String v = headers.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    <T> T parse(Reply r, Class<T> type) throws HotdataException {
        try {
            T value = mapper.readValue(r.body.isEmpty() ? "{}" : r.body, type);
            if (value == null) {
                throw protocolError(r.desc, r.code, "empty JSON answer");
            }
            return value;
        } catch (IOException e) {
            throw protocolError(r.desc, r.code, "unreadable JSON answer: " + jsonProblem(e));
        }
    }

    <T> T convert(Reply r, JsonNode node, Class<T> type) throws HotdataException {
        try {
            return mapper.treeToValue(node, type);
        } catch (IOException e) {
            throw protocolError(r.desc, r.code, "unreadable JSON answer: " + jsonProblem(e));
        }
    }

    JsonNode tree(Reply r) throws HotdataException {
        try {
            JsonNode n = mapper.readTree(r.body);
            if (n == null || !n.isObject()) {
                throw protocolError(r.desc, r.code, "expected a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw protocolError(r.desc, r.code, "unreadable JSON answer: " + jsonProblem(e));
        }
    }

    private static String jsonProblem(IOException e) {
        return e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage();
    }

    static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /**
     * A JSON body OkHttp must not replay by itself: once bytes were sent, only {@link #withRetry}
     * decides whether to repeat the call.
     */
    private static final class OneShotJson extends RequestBody {
        private final byte[] bytes;

        OneShotJson(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public MediaType contentType() {
            return JSON;
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public boolean isOneShot() {
            return true;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sink.write(bytes);
        }
    }
}
