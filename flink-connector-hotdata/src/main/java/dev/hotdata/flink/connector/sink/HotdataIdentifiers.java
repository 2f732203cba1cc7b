package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.Internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hotdata's rules for schema and table names: SQL identifiers, lower-cased by the server, no
 * dashes. Checking them here turns a late 400 from the server into an early, named error.
 */
@Internal
public final class HotdataIdentifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    /** The longest name we accept; the strictest bound Hotdata's tools are known to use. */
    public static final int MAX_LENGTH = 63;

    private HotdataIdentifiers() {}

    /**
     * Returns the lower-cased identifier, or throws naming the setting and the bad value.
     *
     * @param value the name as the user gave it
     * @param setting what the name is for, e.g. {@code "table"}
     */
    public static String normalize(String value, String setting) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException("The Hotdata " + setting + " name must be set.");
        }
        String lower = value.trim().toLowerCase(Locale.ROOT);
        if (!IDENTIFIER.matcher(lower).matches() || lower.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "Invalid Hotdata "
                            + setting
                            + " name '"
                            + value
                            + "': use letters, digits and underscores, not starting with a digit,"
                            + " at most "
                            + MAX_LENGTH
                            + " characters (Hotdata lower-cases names).");
        }
        return lower;
    }
}
