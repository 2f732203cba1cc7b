package dev.hotdata.local.query;

import dev.hotdata.local.api.Json;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** A result download: status, content type, extra headers, body bytes. */
public final class ResultResponse {
    public final int status;
    public final String contentType;
    public final byte[] body;
    public final Map<String, String> headers = new LinkedHashMap<>();

    private ResultResponse(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    static ResultResponse json(int status, ObjectNode node) {
        return new ResultResponse(status, "application/json", Json.bytes(node));
    }

    static ResultResponse bytes(int status, String contentType, byte[] body) {
        return new ResultResponse(status, contentType, body);
    }
}
