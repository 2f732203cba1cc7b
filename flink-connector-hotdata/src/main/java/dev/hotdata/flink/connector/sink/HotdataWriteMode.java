package dev.hotdata.flink.connector.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import java.util.Locale;

import static org.apache.flink.configuration.description.TextElement.text;

/** How the rows a sink receives are published into the Hotdata table at each checkpoint. */
@PublicEvolving
public enum HotdataWriteMode implements DescribedEnum {
    /** Insert-only input; every row is appended. */
    APPEND("append", false, "every row is appended (insert-only input)"),
    /**
     * Changelog input with a primary key; the last change per key within a checkpoint wins,
     * surviving rows are upserted and deleted keys are deleted.
     */
    UPSERT(
            "upsert",
            true,
            "changelog input with a PRIMARY KEY: the last change per key wins; rows are upserted,"
                    + " deleted keys deleted"),
    /** Insert-only input with a primary key; rows whose key already exists are kept unchanged. */
    INSERT_ONLY(
            "insert-only",
            true,
            "insert-only input with a PRIMARY KEY: rows whose key is in the table are kept"),
    /** The table's contents become exactly the job's output, published once at the end. */
    REPLACE(
            "replace",
            false,
            "bounded input: the table becomes exactly the job's output, published once at the"
                    + " end");

    private final String optionValue;
    private final boolean requiresKey;
    private final String description;

    HotdataWriteMode(String optionValue, boolean requiresKey, String description) {
        this.optionValue = optionValue;
        this.requiresKey = requiresKey;
        this.description = description;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }

    /** The value users write in {@code sink.write-mode}. */
    public String optionValue() {
        return optionValue;
    }

    /** Whether the mode needs the table to declare a key (a PRIMARY KEY in Flink). */
    public boolean requiresKey() {
        return requiresKey;
    }

    /** Parses an option value such as {@code insert-only}; the message lists the valid values. */
    public static HotdataWriteMode fromOptionValue(String value) {
        String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (HotdataWriteMode mode : values()) {
            if (mode.optionValue.equals(normalized) || mode.name().equalsIgnoreCase(normalized)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "Unknown write mode '"
                        + value
                        + "'. Valid values: append, upsert, insert-only, replace.");
    }

    @Override
    public String toString() {
        return optionValue;
    }
}
