package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.HotdataTransport.Reply;
import dev.hotdata.flink.connector.client.HotdataTransport.Safety;
import dev.hotdata.flink.connector.client.model.JobStatus;
import dev.hotdata.flink.connector.client.model.JobSubmission;
import dev.hotdata.flink.connector.client.model.LoadRequest;
import dev.hotdata.flink.connector.client.model.LoadResult;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.HttpUrl;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

import static dev.hotdata.flink.connector.client.HotdataTransport.id;

/**
 * The loads of {@link HotdataClient} (reference §6, §7): a load answered with 202 runs as a job,
 * which is polled until it ends and whose result is the load's.
 */
final class HotdataLoads {

    private final HotdataTransport transport;

    HotdataLoads(HotdataTransport transport) {
        this.transport = transport;
    }

    /** The load and, on 202, its job; see {@link HotdataClient#load}. */
    LoadResult load(String databaseId, String schema, String table, LoadRequest request)
            throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url =
                transport
                        .api("databases")
                        .addPathSegment(id(databaseId, "databaseId"))
                        .addPathSegment("schemas")
                        .addPathSegment(id(schema, "schema"))
                        .addPathSegment("tables")
                        .addPathSegment(id(table, "table"))
                        .addPathSegment("loads")
                        .build();
        Reply r =
                transport.send(
                        "POST",
                        url,
                        request,
                        null,
                        HotdataTransport.loadSafety(request),
                        200,
                        201,
                        202);
        if (r.code != 202) {
            return transport.parse(r, LoadResult.class);
        }
        JobSubmission submission = transport.parse(r, JobSubmission.class);
        if (submission.id() == null) {
            throw transport.protocolError(r.desc, r.code, "202 without a job id");
        }
        JobStatus job = awaitJob(submission.id(), transport.config().jobTimeout());
        return loadResultOf(r.desc, job);
    }

    private LoadResult loadResultOf(String desc, JobStatus job) throws HotdataException {
        if (job.isSucceeded()) {
            JsonNode result = job.result();
            if (result == null || !result.isObject()) {
                throw transport.protocolError(
                        desc, 200, "job " + job.id() + " succeeded without a result");
            }
            try {
                return transport.mapper().treeToValue(result, LoadResult.class);
            } catch (IOException e) {
                throw transport.protocolError(
                        desc, 200, "unreadable job result: " + e.getMessage());
            }
        }
        throw new HotdataException(
                desc,
                0,
                HotdataErrorCodes.JOB_FAILED,
                transport.redact(job.errorMessage()),
                false,
                -1,
                1,
                false,
                "job " + job.id() + " ended " + job.status(),
                null);
    }

    /** {@code GET /v1/jobs/{id}}. */
    JobStatus getJob(String jobId) throws HotdataException {
        HttpUrl url = transport.api("jobs").addPathSegment(id(jobId, "jobId")).build();
        return transport.parse(
                transport.send("GET", url, null, null, Safety.IDEMPOTENT, 200), JobStatus.class);
    }

    /** Polls a job until it is terminal; see {@link HotdataClient#awaitJob}. */
    JobStatus awaitJob(String jobId, Duration timeout) throws HotdataException {
        return transport.poll(
                "GET /v1/jobs/" + jobId,
                "job " + jobId,
                timeout,
                () -> getJob(jobId),
                JobStatus::isTerminal,
                JobStatus::status,
                job -> 0L);
    }
}
