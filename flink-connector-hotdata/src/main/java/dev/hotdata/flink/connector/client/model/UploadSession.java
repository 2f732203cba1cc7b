package dev.hotdata.flink.connector.client.model;

import java.util.List;
import java.util.Map;

/**
 * An upload session ({@code UploadSessionResponse}, reference §5.1). The finalize token is secret
 * and one-time: it is left out of {@link #toString()}, as are the presigned URLs' query strings.
 */
public final class UploadSession {

    /** {@link #mode()} of a one-PUT session. */
    public static final String MODE_SINGLE = "single";

    /** {@link #mode()} of a multipart session. */
    public static final String MODE_MULTIPART = "multipart";

    private String uploadId;
    private String finalizeToken;
    private String mode;
    private Map<String, String> headers;
    private String url;
    private Long partSize;
    private List<String> partUrls;

    private UploadSession() {}

    public String uploadId() {
        return uploadId;
    }

    /** The one-time token for {@code parts} and {@code finalize}. */
    public String finalizeToken() {
        return finalizeToken;
    }

    /** {@code single} or {@code multipart}. */
    public String mode() {
        return mode;
    }

    /** Headers to send verbatim on every storage PUT (usually empty). */
    public Map<String, String> headers() {
        return Lists.view(headers);
    }

    /** Single mode: the presigned PUT URL. */
    public String url() {
        return url;
    }

    /** Multipart: bytes per part (the last part holds the remainder). */
    public Long partSize() {
        return partSize;
    }

    /** Eager multipart only: {@code partUrls().get(i - 1)} is the URL of part {@code i}. */
    public List<String> partUrls() {
        return Lists.view(partUrls);
    }

    public boolean isSingle() {
        return MODE_SINGLE.equals(mode);
    }

    public boolean isMultipart() {
        return MODE_MULTIPART.equals(mode);
    }

    @Override
    public String toString() {
        return "UploadSession{uploadId="
                + uploadId
                + ", mode="
                + mode
                + ", url="
                + Lists.maskQuery(url)
                + ", partSize="
                + partSize
                + ", partUrls="
                + (partUrls == null ? 0 : partUrls.size())
                + ", headers="
                + (headers == null ? "{}" : headers.keySet())
                + '}';
    }
}
