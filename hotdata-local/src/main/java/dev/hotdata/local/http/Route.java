package dev.hotdata.local.http;

import java.util.regex.Pattern;

/** A method + path pattern bound to a handler, with its authentication scope. */
final class Route {
    /** Who may call a route. */
    enum Scope {
        /** Bearer + X-Workspace-Id. */
        API,
        /** Presigned storage URL: signature in the query, auth headers forbidden. */
        STORAGE,
        /** hotdata-local's control endpoints: Bearer only. */
        CONTROL
    }

    /** Handles one routed request. */
    interface Handler {
        Response handle(Request r) throws Exception;
    }

    final String method;
    final String template;
    final Pattern pattern;
    final Scope scope;
    final Handler handler;

    /**
     * Literal (non-parameter) segments: where several templates match a path, the one with the most
     * literal segments names the route ({@code /v1/databases/by-name} before {@code
     * /v1/databases/{id}}), as in the real server's router.
     */
    final int literalSegments;

    Route(String method, String template, Scope scope, Handler handler) {
        this.method = method;
        this.template = template;
        this.pattern = Pattern.compile(template.replaceAll("\\{[a-z_]+\\}", "([^/]+)"));
        this.scope = scope;
        this.handler = handler;
        int literal = 0;
        for (String seg : template.split("/")) {
            if (!seg.isEmpty() && !seg.startsWith("{")) {
                literal++;
            }
        }
        this.literalSegments = literal;
    }
}
