package dev.hotdata.flink.connector.client.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a load changes the table (reference §6.2); lower-case on the wire. */
public enum LoadMode {
    /** New contents = loaded data (a zero-row load empties the table). */
    REPLACE,
    /** Rows added on top. */
    APPEND,
    /** Rows with a matching key replaced, others inserted. */
    UPSERT,
    /** Rows with a matching key updated. */
    UPDATE,
    /** Rows with a matching key removed. */
    DELETE;

    /** The wire name, e.g. {@code "upsert"}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the mode needs a row key (declared or per load). */
    public boolean isKeyBased() {
        return this == UPSERT || this == UPDATE || this == DELETE;
    }

    @JsonCreator
    public static LoadMode fromWireName(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
