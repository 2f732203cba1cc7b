package dev.hotdata.flink.connector.client;

import okhttp3.HttpUrl;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Connection settings of a {@link HotdataClient}: endpoint, credentials, timeouts, retries and
 * upload tuning. Immutable and serializable; neither {@link #toString()} nor {@link #equals}
 * reveals the API key.
 *
 * <h2>Settings given, and settings read where the client is created</h2>
 *
 * The endpoint, the API key and the workspace id may each be given explicitly or left unset. An
 * unset one is read from the environment ({@value #ENV_API_URL}, {@value #ENV_API_KEY}, {@value
 * #ENV_WORKSPACE}; the endpoint defaults to {@value #DEFAULT_ENDPOINT}) by {@link #resolve} when a
 * {@link HotdataClient} is created, i.e. in the process that makes the calls, not in the one that
 * built the configuration. A configuration without an explicit key therefore carries no key when it
 * is serialized; one with an explicit key carries it, as any serialized value.
 *
 * <p>{@link Builder#build()} validates what is given: the endpoint is an absolute {@code http(s)}
 * URL (a trailing {@code /v1} is accepted and removed); plain {@code http} is only allowed to a
 * loopback host ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}) unless {@link
 * Builder#allowPlainHttp(boolean)} is set, because the key would otherwise travel in clear text; an
 * explicit key or workspace id is not blank. {@link #resolve} applies the same rules to the values
 * it reads and requires a key and a workspace id.
 */
public final class HotdataClientConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The public Hotdata API. */
    public static final String DEFAULT_ENDPOINT = "https://api.hotdata.dev";

    public static final String ENV_API_URL = "HOTDATA_API_URL";
    public static final String ENV_API_KEY = "HOTDATA_API_KEY";
    public static final String ENV_WORKSPACE = "HOTDATA_WORKSPACE";

    /** The server's single-vs-multipart boundary (reference §5.2). */
    public static final long DEFAULT_SINGLE_UPLOAD_MAX_BYTES = 8L * 1024 * 1024;

    private static final Pattern IPV4_LOOPBACK =
            Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final String endpoint;
    private final String apiKey;
    private final String workspaceId;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final RetryPolicy retryPolicy;
    private final boolean allowPlainHttp;
    private final String userAgent;
    private final int uploadConcurrency;
    private final long uploadPartSize;
    private final long singleUploadMaxBytes;
    private final Duration jobTimeout;

    private HotdataClientConfig(Builder b, String normalisedEndpoint) {
        this.endpoint = normalisedEndpoint;
        this.apiKey = b.apiKey;
        this.workspaceId = b.workspaceId;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.writeTimeout = b.writeTimeout;
        this.retryPolicy = b.retryPolicy;
        this.allowPlainHttp = b.allowPlainHttp;
        this.userAgent = b.userAgent;
        this.uploadConcurrency = b.uploadConcurrency;
        this.uploadPartSize = b.uploadPartSize;
        this.singleUploadMaxBytes = b.singleUploadMaxBytes;
        this.jobTimeout = b.jobTimeout;
    }

    /** An empty builder (endpoint defaults to {@value #DEFAULT_ENDPOINT}). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder pre-filled now from {@code HOTDATA_API_URL} (default {@value #DEFAULT_ENDPOINT}),
     * {@code HOTDATA_API_KEY} and {@code HOTDATA_WORKSPACE} of this process: the values become
     * explicit settings and travel with a serialized configuration. To have a remote process (a
     * Flink TaskManager) read its own environment instead, leave them unset (see the class
     * comment).
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /** As {@link #fromEnvironment()}, reading variables from {@code env} (for tests). */
    public static Builder fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env::get);
    }

    static Builder fromEnvironment(Function<String, String> env) {
        String url = nonBlank(env.apply(ENV_API_URL));
        return new Builder()
                .endpoint(url == null ? DEFAULT_ENDPOINT : url)
                .apiKey(nonBlank(env.apply(ENV_API_KEY)))
                .workspaceId(nonBlank(env.apply(ENV_WORKSPACE)));
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder()
                .endpoint(endpoint)
                .apiKey(apiKey)
                .workspaceId(workspaceId)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .writeTimeout(writeTimeout)
                .retryPolicy(retryPolicy)
                .allowPlainHttp(allowPlainHttp)
                .userAgent(userAgent)
                .uploadConcurrency(uploadConcurrency)
                .uploadPartSize(uploadPartSize)
                .singleUploadMaxBytes(singleUploadMaxBytes)
                .jobTimeout(jobTimeout);
    }

    /**
     * Base URL without trailing slash and without {@code /v1}, e.g. {@code
     * https://api.hotdata.dev}; null when it is read from {@value #ENV_API_URL} on {@link
     * #resolve}.
     */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The secret API key, null when it is read from {@value #ENV_API_KEY} on {@link #resolve};
     * package-private so it does not leak through other code paths.
     */
    String apiKey() {
        return apiKey;
    }

    /** Whether the API key was given explicitly (and so travels with a serialized copy). */
    public boolean hasExplicitApiKey() {
        return apiKey != null;
    }

    /**
     * Workspace public id sent as {@code X-Workspace-Id}; null when it is read from {@value
     * #ENV_WORKSPACE} on {@link #resolve}.
     */
    public String workspaceId() {
        return workspaceId;
    }

    /**
     * Whether endpoint, API key and workspace id are all set (nothing left to {@link #resolve}).
     */
    public boolean isResolved() {
        return endpoint != null && apiKey != null && workspaceId != null;
    }

    /**
     * This configuration with its unset endpoint, API key and workspace id read from {@code env}
     * ({@value #ENV_API_URL}, default {@value #DEFAULT_ENDPOINT}; {@value #ENV_API_KEY}; {@value
     * #ENV_WORKSPACE}); explicit values win. The one place where a client's missing settings are
     * looked up; {@link HotdataClient} calls it with the process environment when it is created.
     *
     * @param env the environment, e.g. {@code System::getenv}
     * @return a configuration with every connection setting set ({@code this} when it already was)
     * @throws IllegalStateException when the key or the workspace id is neither given nor in {@code
     *     env}, or a value read is invalid; the message names the setting, its variable and the
     *     process that looked it up, never a key
     */
    public HotdataClientConfig resolve(Function<String, String> env) {
        if (isResolved()) {
            return this;
        }
        Builder b = toBuilder();
        if (endpoint == null) {
            String url = nonBlank(env.apply(ENV_API_URL));
            b.endpoint(url == null ? DEFAULT_ENDPOINT : url);
        }
        if (apiKey == null) {
            String key = nonBlank(env.apply(ENV_API_KEY));
            if (key == null) {
                throw notSet("API key", "api-key", ENV_API_KEY);
            }
            b.apiKey(key);
        }
        if (workspaceId == null) {
            String ws = nonBlank(env.apply(ENV_WORKSPACE));
            if (ws == null) {
                throw notSet("workspace id", "workspace-id", ENV_WORKSPACE);
            }
            b.workspaceId(ws);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    e.getMessage() + " (read from the environment of " + thisProcess() + ")", e);
        }
    }

    private static IllegalStateException notSet(String what, String option, String variable) {
        return new IllegalStateException(
                "Hotdata "
                        + what
                        + " is not set: it was not configured ('"
                        + option
                        + "') and the environment variable "
                        + variable
                        + " is not set in the process that connects to Hotdata ("
                        + thisProcess()
                        + "). A setting that is not configured is read where the connection is"
                        + " made: in a Flink job, on the JobManager and the TaskManagers, so set "
                        + variable
                        + " in their environment, or configure '"
                        + option
                        + "'.");
    }

    private static String thisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            host = "unknown host";
        }
        return "host " + host + ", pid " + ProcessHandle.current().pid();
    }

    private static String nonBlank(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public boolean allowPlainHttp() {
        return allowPlainHttp;
    }

    public String userAgent() {
        return userAgent;
    }

    /** Parts uploaded concurrently by multipart uploads (default 4). */
    public int uploadConcurrency() {
        return uploadConcurrency;
    }

    /** Part size requested for streaming multipart uploads (the server may pick another). */
    public long uploadPartSize() {
        return uploadPartSize;
    }

    /** Files up to this size are uploaded as a single PUT with a declared size (default 8 MiB). */
    public long singleUploadMaxBytes() {
        return singleUploadMaxBytes;
    }

    /** How long {@link HotdataClient#load} waits for an asynchronous load job (default 1 h). */
    public Duration jobTimeout() {
        return jobTimeout;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HotdataClientConfig)) {
            return false;
        }
        HotdataClientConfig that = (HotdataClientConfig) o;
        return allowPlainHttp == that.allowPlainHttp
                && uploadConcurrency == that.uploadConcurrency
                && uploadPartSize == that.uploadPartSize
                && singleUploadMaxBytes == that.singleUploadMaxBytes
                && Objects.equals(endpoint, that.endpoint)
                && Objects.equals(apiKey, that.apiKey)
                && Objects.equals(workspaceId, that.workspaceId)
                && connectTimeout.equals(that.connectTimeout)
                && readTimeout.equals(that.readTimeout)
                && writeTimeout.equals(that.writeTimeout)
                && retryPolicy.equals(that.retryPolicy)
                && userAgent.equals(that.userAgent)
                && jobTimeout.equals(that.jobTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, workspaceId, retryPolicy, readTimeout);
    }

    @Override
    public String toString() {
        return "HotdataClientConfig{endpoint="
                + (endpoint == null ? "(" + ENV_API_URL + " where the client runs)" : endpoint)
                + ", workspaceId="
                + (workspaceId == null
                        ? "(" + ENV_WORKSPACE + " where the client runs)"
                        : workspaceId)
                + ", apiKey="
                + (apiKey == null ? "(" + ENV_API_KEY + " where the client runs)" : "****")
                + ", connectTimeout="
                + connectTimeout
                + ", readTimeout="
                + readTimeout
                + ", writeTimeout="
                + writeTimeout
                + ", retryPolicy="
                + retryPolicy
                + ", allowPlainHttp="
                + allowPlainHttp
                + ", userAgent="
                + userAgent
                + ", uploadConcurrency="
                + uploadConcurrency
                + ", uploadPartSize="
                + uploadPartSize
                + ", singleUploadMaxBytes="
                + singleUploadMaxBytes
                + ", jobTimeout="
                + jobTimeout
                + '}';
    }

    /** Builder of {@link HotdataClientConfig}. */
    public static final class Builder {
        private String endpoint;
        private String apiKey;
        private String workspaceId;
        private Duration connectTimeout = Duration.ofSeconds(10);
        // reference §1.1: a cold workspace can block 10–20 s; use >= 60 s
        private Duration readTimeout = Duration.ofSeconds(120);
        private Duration writeTimeout = Duration.ofSeconds(120);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private boolean allowPlainHttp;
        private String userAgent = "flink-connector-hotdata";
        private int uploadConcurrency = 4;
        private long uploadPartSize = 8L * 1024 * 1024;
        private long singleUploadMaxBytes = DEFAULT_SINGLE_UPLOAD_MAX_BYTES;
        private Duration jobTimeout = Duration.ofHours(1);

        private Builder() {}

        /**
         * Base URL, e.g. {@code https://api.hotdata.dev} or {@code http://127.0.0.1:8080}; null
         * (the default): {@code HOTDATA_API_URL} where the client is created, else {@value
         * #DEFAULT_ENDPOINT}.
         */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * The API key; null (the default): {@code HOTDATA_API_KEY} where the client is created. An
         * explicit key is part of the configuration and travels with every serialized copy.
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /**
         * The workspace id; null (the default): {@code HOTDATA_WORKSPACE} where the client runs.
         */
        public Builder workspaceId(String workspaceId) {
            this.workspaceId = workspaceId;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Read timeout per HTTP exchange (default 120 s; the reference advises at least 60 s). */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = positive(readTimeout, "readTimeout");
            return this;
        }

        public Builder writeTimeout(Duration writeTimeout) {
            this.writeTimeout = positive(writeTimeout, "writeTimeout");
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * Allows plain {@code http} to non-loopback hosts (the API key then travels unencrypted).
         */
        public Builder allowPlainHttp(boolean allowPlainHttp) {
            this.allowPlainHttp = allowPlainHttp;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        /** Parts uploaded in parallel by multipart uploads (default 4). */
        public Builder uploadConcurrency(int uploadConcurrency) {
            if (uploadConcurrency < 1 || uploadConcurrency > 64) {
                throw new IllegalArgumentException(
                        "uploadConcurrency must be within [1, 64]: " + uploadConcurrency);
            }
            this.uploadConcurrency = uploadConcurrency;
            return this;
        }

        /** Part size to request for streaming uploads (default 8 MiB, at least 5 MiB on S3). */
        public Builder uploadPartSize(long uploadPartSize) {
            if (uploadPartSize < 1) {
                throw new IllegalArgumentException("uploadPartSize must be > 0: " + uploadPartSize);
            }
            this.uploadPartSize = uploadPartSize;
            return this;
        }

        /** Largest file uploaded with one PUT (default 8 MiB, the server's boundary). */
        public Builder singleUploadMaxBytes(long singleUploadMaxBytes) {
            if (singleUploadMaxBytes < 1) {
                throw new IllegalArgumentException(
                        "singleUploadMaxBytes must be > 0: " + singleUploadMaxBytes);
            }
            this.singleUploadMaxBytes = singleUploadMaxBytes;
            return this;
        }

        /** How long a load waits for its asynchronous job (default 1 h). */
        public Builder jobTimeout(Duration jobTimeout) {
            this.jobTimeout = positive(jobTimeout, "jobTimeout");
            return this;
        }

        /** Validates and builds; see the class comment for the rules. */
        public HotdataClientConfig build() {
            String normalised =
                    endpoint == null ? null : normaliseEndpoint(endpoint, allowPlainHttp);
            if (apiKey != null && apiKey.trim().isEmpty()) {
                throw new IllegalArgumentException(
                        "Hotdata API key is blank: configure the API key ('api-key'), or leave it"
                                + " unset to read the environment variable "
                                + ENV_API_KEY
                                + " where the client runs");
            }
            if (workspaceId != null && workspaceId.trim().isEmpty()) {
                throw new IllegalArgumentException(
                        "Hotdata workspace id is blank: configure the workspace id"
                                + " ('workspace-id'), or leave it unset to read the environment"
                                + " variable "
                                + ENV_WORKSPACE
                                + " where the client runs");
            }
            return new HotdataClientConfig(this, normalised);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }

    static String normaliseEndpoint(String endpoint, boolean allowPlainHttp) {
        if (endpoint == null || endpoint.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "Hotdata endpoint is not set: configure the endpoint ('endpoint') or set the"
                            + " environment variable "
                            + ENV_API_URL);
        }
        String raw = endpoint.trim();
        HttpUrl url = HttpUrl.parse(raw);
        if (url == null) {
            throw new IllegalArgumentException(
                    "Hotdata endpoint must be an absolute http(s) URL ("
                            + ENV_API_URL
                            + "): "
                            + raw);
        }
        if (!url.username().isEmpty() || !url.password().isEmpty()) {
            throw new IllegalArgumentException(
                    "Hotdata endpoint must not contain user info (" + ENV_API_URL + ")");
        }
        if (url.query() != null || url.fragment() != null) {
            throw new IllegalArgumentException(
                    "Hotdata endpoint must not have a query or fragment ("
                            + ENV_API_URL
                            + "): "
                            + url.newBuilder().query(null).fragment(null).build());
        }
        if ("http".equals(url.scheme()) && !allowPlainHttp && !isLoopback(url.host())) {
            throw new IllegalArgumentException(
                    "Hotdata endpoint uses plain http to a non-loopback host ("
                            + url.host()
                            + "); the API key would travel unencrypted. Use https, or allow plain"
                            + " http explicitly.");
        }
        String s = url.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.toLowerCase(Locale.ROOT).endsWith("/v1")) {
            s = s.substring(0, s.length() - 3);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        if (IPV4_LOOPBACK.matcher(h).matches()) {
            for (String part : h.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
