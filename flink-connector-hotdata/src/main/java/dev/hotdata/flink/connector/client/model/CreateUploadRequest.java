package dev.hotdata.flink.connector.client.model;

/**
 * Body of {@code POST /v1/uploads} and of each entry of {@code POST /v1/uploads/batch} (reference
 * §5.1). With {@code declaredSizeBytes} the server opens a single (or eager multipart) session;
 * without it a streaming multipart session.
 */
public final class CreateUploadRequest {

    private Long declaredSizeBytes;
    private Long partSize;
    private String contentType;
    private String contentEncoding;
    private String filename;
    private String checksumAlgo;
    private String checksumValue;

    private CreateUploadRequest() {}

    private CreateUploadRequest(Builder b) {
        this.declaredSizeBytes = b.declaredSizeBytes;
        this.partSize = b.partSize;
        this.contentType = b.contentType;
        this.contentEncoding = b.contentEncoding;
        this.filename = b.filename;
        this.checksumAlgo = b.checksumAlgo;
        this.checksumValue = b.checksumValue;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Long declaredSizeBytes() {
        return declaredSizeBytes;
    }

    public Long partSize() {
        return partSize;
    }

    public String contentType() {
        return contentType;
    }

    public String contentEncoding() {
        return contentEncoding;
    }

    public String filename() {
        return filename;
    }

    public String checksumAlgo() {
        return checksumAlgo;
    }

    public String checksumValue() {
        return checksumValue;
    }

    @Override
    public String toString() {
        return "CreateUploadRequest{declaredSizeBytes="
                + declaredSizeBytes
                + ", partSize="
                + partSize
                + ", contentType="
                + contentType
                + ", contentEncoding="
                + contentEncoding
                + ", filename="
                + filename
                + ", checksumAlgo="
                + checksumAlgo
                + '}';
    }

    /** Builder of {@link CreateUploadRequest}. */
    public static final class Builder {
        private Long declaredSizeBytes;
        private Long partSize;
        private String contentType;
        private String contentEncoding;
        private String filename;
        private String checksumAlgo;
        private String checksumValue;

        private Builder() {}

        /** Exact size; omit for a streaming multipart session. */
        public Builder declaredSizeBytes(Long declaredSizeBytes) {
            this.declaredSizeBytes = declaredSizeBytes;
            return this;
        }

        /** Part size hint for multipart sessions (the server may clamp it). */
        public Builder partSize(Long partSize) {
            this.partSize = partSize;
            return this;
        }

        /** e.g. {@code application/vnd.apache.parquet}; used for load-format detection. */
        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        public Builder contentEncoding(String contentEncoding) {
            this.contentEncoding = contentEncoding;
            return this;
        }

        public Builder filename(String filename) {
            this.filename = filename;
            return this;
        }

        /** Only {@code sha256} is accepted by the server. */
        public Builder checksumAlgo(String checksumAlgo) {
            this.checksumAlgo = checksumAlgo;
            return this;
        }

        public Builder checksumValue(String checksumValue) {
            this.checksumValue = checksumValue;
            return this;
        }

        public CreateUploadRequest build() {
            return new CreateUploadRequest(this);
        }
    }
}
