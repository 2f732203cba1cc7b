package dev.hotdata.flink.connector.client.model;

import java.util.Objects;

/** An uploaded part for multipart finalize: number and the storage ETag (quotes kept). */
public final class CompletedPart implements Comparable<CompletedPart> {

    private int partNumber;
    private String eTag; // JSON "e_tag"

    private CompletedPart() {}

    public CompletedPart(int partNumber, String eTag) {
        if (partNumber < 1) {
            throw new IllegalArgumentException("part numbers start at 1: " + partNumber);
        }
        this.partNumber = partNumber;
        this.eTag = Objects.requireNonNull(eTag, "eTag");
    }

    public int partNumber() {
        return partNumber;
    }

    /** The storage's ETag header, verbatim. */
    public String eTag() {
        return eTag;
    }

    @Override
    public int compareTo(CompletedPart o) {
        return Integer.compare(partNumber, o.partNumber);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CompletedPart)) {
            return false;
        }
        CompletedPart that = (CompletedPart) o;
        return partNumber == that.partNumber && Objects.equals(eTag, that.eTag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partNumber, eTag);
    }

    @Override
    public String toString() {
        return "CompletedPart{" + partNumber + ", " + eTag + '}';
    }
}
