package dev.hotdata.local.api;

import java.util.Locale;

/**
 * What one load's write lock covers (a server reading, {@link ServerReadings#lockScope()}): the
 * public material confirms 409 {@code RESOURCE_LOCKED} for two writers of one table, and disagrees
 * on loads into different tables of one database (newer-evidence row 4; reference §6.4).
 */
public enum LockScope {
    /**
     * One write lock per database: a load into any table refuses every other load of the database
     * (reference §6.4, dlt 0.6.1's per-catalog reading). The default.
     */
    DATABASE,
    /**
     * One write lock per table: loads into different tables of a database run at once; two loads
     * into one table still meet 409 {@code RESOURCE_LOCKED} (sdk-python-framework 0.13).
     */
    TABLE;

    /** The lower-case name used on the command line and over HTTP. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope of a wire name ({@code database} / {@code table}, any case); null otherwise. */
    public static LockScope ofWireName(String v) {
        for (LockScope s : values()) {
            if (s.wireName().equalsIgnoreCase(v)) {
                return s;
            }
        }
        return null;
    }
}
