package dev.hotdata.flink.connector.client.model;

/** A minted part URL ({@code POST /v1/uploads/{id}/parts} answer entry). */
public final class PartUrl {

    private int partNumber;
    private String url;

    private PartUrl() {}

    public PartUrl(int partNumber, String url) {
        this.partNumber = partNumber;
        this.url = url;
    }

    /** 1-based part number. */
    public int partNumber() {
        return partNumber;
    }

    /** Presigned PUT URL (short-lived). */
    public String url() {
        return url;
    }

    @Override
    public String toString() {
        return "PartUrl{partNumber=" + partNumber + ", url=" + Lists.maskQuery(url) + '}';
    }
}
