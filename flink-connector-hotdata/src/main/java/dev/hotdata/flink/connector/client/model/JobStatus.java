package dev.hotdata.flink.connector.client.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A background job ({@code JobStatusResponse}, reference §7). */
public final class JobStatus {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String PARTIALLY_SUCCEEDED = "partially_succeeded";
    public static final String FAILED = "failed";

    private String id;
    private String jobType;
    private String status;
    private int attempts;
    private String createdAt;
    private String completedAt;
    private String errorMessage;
    private JsonNode result;

    private JobStatus() {}

    public String id() {
        return id;
    }

    /** e.g. {@code managed_load}; new values may appear. */
    public String jobType() {
        return jobType;
    }

    public String status() {
        return status;
    }

    public int attempts() {
        return attempts;
    }

    public String createdAt() {
        return createdAt;
    }

    public String completedAt() {
        return completedAt;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** The job's result (for {@code managed_load} a {@code LoadManagedTableResponse}), or null. */
    public JsonNode result() {
        return result == null || result.isNull() ? null : result.deepCopy();
    }

    /** Whether the job ended: {@code succeeded}, {@code partially_succeeded} or {@code failed}. */
    public boolean isTerminal() {
        return SUCCEEDED.equals(status)
                || PARTIALLY_SUCCEEDED.equals(status)
                || FAILED.equals(status);
    }

    public boolean isSucceeded() {
        return SUCCEEDED.equals(status);
    }

    @Override
    public String toString() {
        return "JobStatus{id="
                + id
                + ", jobType="
                + jobType
                + ", status="
                + status
                + ", attempts="
                + attempts
                + ", errorMessage="
                + errorMessage
                + '}';
    }
}
