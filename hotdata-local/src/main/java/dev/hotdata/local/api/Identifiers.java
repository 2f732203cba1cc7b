package dev.hotdata.local.api;

import java.util.Locale;
import java.util.regex.Pattern;

/** Schema, table and catalog names: lower-cased, {@code [a-z_][a-z0-9_]*}, at most 63 chars. */
public final class Identifiers {
    public static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]*");

    private Identifiers() {}

    /** Lower-cases and validates; 400 {@code INVALID_IDENTIFIER} otherwise. */
    public static String normalize(String what, String raw) {
        if (raw == null || raw.isEmpty()) {
            throw ApiException.badRequest("INVALID_IDENTIFIER", what + " name is required");
        }
        String name = raw.toLowerCase(Locale.ROOT);
        if (name.length() > MAX_LENGTH || !VALID.matcher(name).matches()) {
            throw ApiException.badRequest(
                    "INVALID_IDENTIFIER",
                    "invalid "
                            + what
                            + " name '"
                            + raw
                            + "': must match [a-z_][a-z0-9_]* (case-insensitive) and be at most "
                            + MAX_LENGTH
                            + " characters");
        }
        return name;
    }

    /** Quotes an identifier for DuckDB SQL. */
    public static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Quotes a string literal for DuckDB SQL. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
