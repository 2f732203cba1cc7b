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
    final Pattern pattern;
    final Scope scope;
    final Handler handler;

    Route(String method, String template, Scope scope, Handler handler) {
        this.method = method;
        this.pattern = Pattern.compile(template.replaceAll("\\{[a-z_]+\\}", "([^/]+)"));
        this.scope = scope;
        this.handler = handler;
    }
}
