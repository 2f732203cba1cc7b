package dev.hotdata.local.http;

import dev.hotdata.local.api.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An incoming request after routing: path parameters, query, headers, body, workspace. */
final class Request {
    final String method;
    final String path;
    final Map<String, String> query;
    final Headers headers;
    final byte[] body;
    final List<String> params;
    String workspace;

    Request(
            String method,
            String path,
            String rawQuery,
            Headers headers,
            byte[] body,
            List<String> params) {
        this.method = method;
        this.path = path;
        this.query = parseQuery(rawQuery);
        this.headers = headers;
        this.body = body;
        this.params = params;
    }

    String param(int i) {
        return params.get(i);
    }

    String header(String name) {
        String v = headers.getFirst(name);
        return v == null || v.isEmpty() ? null : v;
    }

    String query(String name) {
        String v = query.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    JsonNode json() {
        return Json.parseBody(body);
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(k, "UTF-8"), URLDecoder.decode(v, "UTF-8"));
            } catch (UnsupportedEncodingException | IllegalArgumentException e) {
                out.putIfAbsent(k, v);
            }
        }
        return out;
    }
}
