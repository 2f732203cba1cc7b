package dev.hotdata.flink.connector.client.model;

/** Answer of finalize ({@code FinalizeUploadResponse}); the upload id is ready for a load. */
public final class FinalizedUpload {

    private String uploadId;
    private String status;
    private long sizeBytes;
    private String createdAt;
    private String contentType;

    private FinalizedUpload() {}

    public String uploadId() {
        return uploadId;
    }

    /** {@code ready} in every known server. */
    public String status() {
        return status;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public String createdAt() {
        return createdAt;
    }

    public String contentType() {
        return contentType;
    }

    @Override
    public String toString() {
        return "FinalizedUpload{uploadId="
                + uploadId
                + ", status="
                + status
                + ", sizeBytes="
                + sizeBytes
                + ", createdAt="
                + createdAt
                + ", contentType="
                + contentType
                + '}';
    }
}
