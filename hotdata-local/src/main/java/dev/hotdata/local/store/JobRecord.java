package dev.hotdata.local.store;

import com.fasterxml.jackson.databind.JsonNode;

/** A background job (async managed load). */
public final class JobRecord {
    public String id;
    public String workspaceId;
    public String jobType;

    /** {@code pending}, {@code running}, {@code succeeded} or {@code failed}. */
    public String status;

    public int attempts;
    public String createdAt;
    public String completedAt;
    public String errorMessage;
    public JsonNode result;
}
