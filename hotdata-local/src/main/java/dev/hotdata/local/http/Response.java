package dev.hotdata.local.http;

import dev.hotdata.local.api.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response to send: status, headers, body. */
final class Response {
    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();

    /** The error code, for the request log. */
    String errorCode;

    /** Answered from a consumed upload's receipt, for the request log. */
    boolean replayed;

    Response(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    static Response json(int status, JsonNode node) {
        return new Response(status, "application/json", Json.bytes(node));
    }

    static Response empty(int status) {
        return new Response(status, null, new byte[0]);
    }

    static Response error(int status, String code, String message, Integer retryAfter) {
        ObjectNode body = Json.obj();
        ObjectNode err = body.putObject("error");
        err.put("code", code);
        err.put("message", message);
        Response r = json(status, body);
        r.errorCode = code;
        if (retryAfter != null) {
            r.headers.put("Retry-After", Integer.toString(retryAfter));
        }
        return r;
    }

    static Response xml(int status, String code, String xml) {
        Response r = new Response(status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
        r.errorCode = code;
        return r;
    }

    Response header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
