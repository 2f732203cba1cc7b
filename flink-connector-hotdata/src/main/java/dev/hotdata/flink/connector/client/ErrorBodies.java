package dev.hotdata.flink.connector.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Extracts code and message from the error body shapes the Hotdata services use (reference §2.1):
 * {@code {"error":{"code","message"}}}, {@code {"error":"snake_code"}}, {@code {"detail":"…"}} or
 * {@code {"detail":[{"loc","msg"}]}}, a failed result {@code {"status":"failed","error_message"}},
 * and HTML or empty gateway bodies.
 */
final class ErrorBodies {

    static final int EXCERPT_CHARS = 300;

    private ErrorBodies() {}

    /** Code (may be null) and message (may be null) of an error body. */
    static final class Parsed {
        final String code;
        final String message;

        Parsed(String code, String message) {
            this.code = code;
            this.message = message;
        }
    }

    static Parsed parse(String body) {
        if (body == null || body.trim().isEmpty()) {
            return new Parsed(null, null);
        }
        String trimmed = body.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode root = HotdataJson.mapper().readTree(trimmed);
                Parsed p = fromJson(root);
                if (p != null) {
                    return p;
                }
            } catch (Exception ignored) {
                // not JSON after all: fall through to the excerpt
            }
        }
        if (trimmed.startsWith("<") && trimmed.contains("<Code>")) {
            String code = between(trimmed, "<Code>", "</Code>");
            String message = between(trimmed, "<Message>", "</Message>");
            return new Parsed(code, message != null ? excerpt(message) : excerpt(trimmed));
        }
        return new Parsed(null, excerpt(trimmed));
    }

    private static String between(String s, String open, String close) {
        int a = s.indexOf(open);
        if (a < 0) {
            return null;
        }
        int b = s.indexOf(close, a + open.length());
        return b < 0 ? null : s.substring(a + open.length(), b).trim();
    }

    private static Parsed fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            return null;
        }
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            String code = text(error.get("code"));
            String message = text(error.get("message"));
            return new Parsed(code, message != null ? message : code);
        }
        if (error != null && error.isTextual()) {
            String message = text(root.get("message"));
            return new Parsed(error.asText(), message != null ? message : error.asText());
        }
        JsonNode detail = root.get("detail");
        if (detail != null && detail.isTextual()) {
            return new Parsed(text(root.get("code")), detail.asText());
        }
        if (detail != null && detail.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode d : detail) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                JsonNode loc = d.get("loc");
                if (loc != null && loc.isArray() && loc.size() > 0) {
                    StringBuilder l = new StringBuilder();
                    for (JsonNode part : loc) {
                        if (l.length() > 0) {
                            l.append('.');
                        }
                        l.append(part.asText());
                    }
                    sb.append(l).append(": ");
                }
                String msg = text(d.get("msg"));
                sb.append(msg != null ? msg : d.toString());
            }
            return new Parsed(null, excerpt(sb.toString()));
        }
        String errorMessage = text(root.get("error_message"));
        if (errorMessage != null) {
            String status = text(root.get("status"));
            String code =
                    "failed".equalsIgnoreCase(status)
                            ? HotdataErrorCodes.RESULT_FAILED
                            : text(root.get("code"));
            return new Parsed(code, errorMessage);
        }
        String message = text(root.get("message"));
        if (message != null) {
            return new Parsed(text(root.get("code")), message);
        }
        return null;
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        String s = n.isValueNode() ? n.asText() : n.toString();
        return s.isEmpty() ? null : s;
    }

    /** A short one-line excerpt: tags stripped, whitespace collapsed, capped. */
    static String excerpt(String s) {
        String t = s.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ");
        t = t.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        if (t.length() > EXCERPT_CHARS) {
            t = t.substring(0, EXCERPT_CHARS) + "…";
        }
        return t.isEmpty() ? null : t;
    }
}
