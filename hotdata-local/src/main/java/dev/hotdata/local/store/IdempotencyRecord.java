package dev.hotdata.local.store;

import com.fasterxml.jackson.databind.JsonNode;

/** The outcome of an inline load sent with an {@code idempotency_key}. */
public final class IdempotencyRecord {
    public String dataHash;

    /** True while the first attempt runs. */
    public boolean running;

    public JsonNode response;
}
