package dev.hotdata.flink.connector.client.model;

/** A 202 answer to an asynchronous request ({@code SubmitJobResponse}): poll the job. */
public final class JobSubmission {

    private String id;
    private String status;
    private String statusUrl;

    private JobSubmission() {}

    public String id() {
        return id;
    }

    public String status() {
        return status;
    }

    /** e.g. {@code /v1/jobs/<id>}. */
    public String statusUrl() {
        return statusUrl;
    }

    @Override
    public String toString() {
        return "JobSubmission{id=" + id + ", status=" + status + ", statusUrl=" + statusUrl + '}';
    }
}
