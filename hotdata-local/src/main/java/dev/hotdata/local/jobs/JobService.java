package dev.hotdata.local.jobs;

import dev.hotdata.local.api.ApiException;
import dev.hotdata.local.api.Ids;
import dev.hotdata.local.api.Json;
import dev.hotdata.local.store.JobRecord;
import dev.hotdata.local.store.StateStore;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/** Background jobs ({@code GET /v1/jobs/{id}}); async loads run here. */
public final class JobService {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

    private final StateStore store;
    private final ExecutorService executor;

    public JobService(StateStore store, ExecutorService executor) {
        this.store = store;
        this.executor = executor;
        // jobs cut by a restart never finish: say so instead of leaving them running forever
        store.write(
                st -> {
                    for (JobRecord j : st.jobs.values()) {
                        if (j.status.equals("pending") || j.status.equals("running")) {
                            j.status = "failed";
                            j.errorMessage = "hotdata-local restarted while the job was running";
                            j.completedAt = Ids.now();
                        }
                    }
                    return null;
                });
    }

    /** A submitted job: its record id and a future completing with the job's result. */
    public static final class Submitted {
        public final String id;
        public final CompletableFuture<ObjectNode> future;

        Submitted(String id, CompletableFuture<ObjectNode> future) {
            this.id = id;
            this.future = future;
        }
    }

    /** Records a job and runs {@code work} on the job executor. */
    public Submitted submit(String ws, String jobType, Callable<ObjectNode> work) {
        JobRecord j = new JobRecord();
        j.id = Ids.newId("jobs");
        j.workspaceId = ws;
        j.jobType = jobType;
        j.status = "pending";
        j.createdAt = Ids.now();
        store.write(st -> st.jobs.put(j.id, j));
        CompletableFuture<ObjectNode> future = new CompletableFuture<>();
        executor.execute(
                () -> {
                    store.write(
                            st -> {
                                j.status = "running";
                                j.attempts = 1;
                                return null;
                            });
                    try {
                        ObjectNode result = work.call();
                        store.write(
                                st -> {
                                    j.status = "succeeded";
                                    j.result = result;
                                    j.completedAt = Ids.now();
                                    return null;
                                });
                        future.complete(result);
                    } catch (Throwable e) {
                        if (!(e instanceof ApiException)) {
                            LOG.warn("job {} failed", j.id, e);
                        }
                        store.write(
                                st -> {
                                    j.status = "failed";
                                    j.errorMessage = String.valueOf(e.getMessage());
                                    j.completedAt = Ids.now();
                                    return null;
                                });
                        future.completeExceptionally(e);
                    }
                });
        return new Submitted(j.id, future);
    }

    /** {@code GET /v1/jobs/{id}}. */
    public ObjectNode get(String ws, String id) {
        return store.read(
                st -> {
                    JobRecord j = st.jobs.get(id);
                    if (j == null || !j.workspaceId.equals(ws)) {
                        throw ApiException.notFound("JOB_NOT_FOUND", "job '" + id + "' not found");
                    }
                    return toJson(j);
                });
    }

    /** {@code GET /v1/jobs?job_type&status&limit&offset}: newest first. */
    public ObjectNode list(String ws, String jobType, String status, int limit, int offset) {
        Set<String> statuses =
                status == null ? null : new HashSet<>(Arrays.asList(status.split(",")));
        return store.read(
                st -> {
                    List<JobRecord> all = new ArrayList<>();
                    for (JobRecord j : st.jobs.values()) {
                        if (j.workspaceId.equals(ws)
                                && (jobType == null || jobType.equals(j.jobType))
                                && (statuses == null || statuses.contains(j.status))) {
                            all.add(j);
                        }
                    }
                    java.util.Collections.reverse(all);
                    ArrayNode arr = Json.arr();
                    for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
                        arr.add(toJson(all.get(i)));
                    }
                    ObjectNode out = Json.obj();
                    out.set("jobs", arr);
                    return out;
                });
    }

    private static ObjectNode toJson(JobRecord j) {
        ObjectNode o = Json.obj();
        o.put("id", j.id);
        o.put("job_type", j.jobType);
        o.put("status", j.status);
        o.put("attempts", j.attempts);
        o.put("created_at", j.createdAt);
        o.put("completed_at", j.completedAt);
        o.put("error_message", j.errorMessage);
        o.set("result", j.result == null ? Json.nullNode() : j.result);
        return o;
    }
}
