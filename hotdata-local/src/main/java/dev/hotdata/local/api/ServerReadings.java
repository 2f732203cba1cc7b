package dev.hotdata.local.api;

import java.util.Objects;

/**
 * Readings of server behaviours the public material leaves open, switchable at run time so a
 * client's tests can run under each. Thread-safe (volatile fields); kept across {@code restart()}.
 *
 * <p>Reached as {@code server.readings()}; also set on the builder, on the command line ({@code
 * --upload-reuse replay|conflict}, {@code --failed-load-consumes-upload}, {@code
 * --listing-has-key}, {@code --lock-scope database|table}) and over HTTP ({@code POST
 * /_local/readings}).
 */
public final class ServerReadings {
    private final UploadReuse initialUploadReuse;
    private final boolean initialFailedLoadConsumesUpload;
    private final boolean initialListingHasKey;
    private volatile UploadReuse uploadReuse;
    private volatile boolean failedLoadConsumesUpload;
    private volatile boolean initialDatabaseNameLookup = true;
    private volatile boolean databaseNameLookup = true;
    private volatile boolean listingHasKey;
    private volatile LockScope initialLockScope = LockScope.DATABASE;
    private volatile LockScope lockScope = LockScope.DATABASE;

    /**
     * The built-in defaults: {@link UploadReuse#REPLAY}, failed loads do not consume, the table
     * listing has no {@code key}.
     */
    public ServerReadings() {
        this(UploadReuse.REPLAY, false, false);
    }

    /** Readings starting from the given values, the listing without {@code key}. */
    public ServerReadings(UploadReuse uploadReuse, boolean failedLoadConsumesUpload) {
        this(uploadReuse, failedLoadConsumesUpload, false);
    }

    /** Readings starting from (and {@link #reset() resetting to}) the given values. */
    public ServerReadings(
            UploadReuse uploadReuse, boolean failedLoadConsumesUpload, boolean listingHasKey) {
        this.initialUploadReuse = Objects.requireNonNull(uploadReuse, "uploadReuse");
        this.initialFailedLoadConsumesUpload = failedLoadConsumesUpload;
        this.initialListingHasKey = listingHasKey;
        this.uploadReuse = uploadReuse;
        this.failedLoadConsumesUpload = failedLoadConsumesUpload;
        this.listingHasKey = listingHasKey;
    }

    /** What a re-sent, already consumed {@code upload_id} answers; default {@code REPLAY}. */
    public UploadReuse uploadReuse() {
        return uploadReuse;
    }

    public ServerReadings uploadReuse(UploadReuse reuse) {
        this.uploadReuse = Objects.requireNonNull(reuse, "reuse");
        return this;
    }

    /**
     * Whether a load that claimed its upload and then failed (4xx/5xx after the claim) consumes the
     * upload, keeping the failure as its receipt; default false (the upload is released).
     */
    public boolean failedLoadConsumesUpload() {
        return failedLoadConsumesUpload;
    }

    public ServerReadings failedLoadConsumesUpload(boolean consumes) {
        this.failedLoadConsumesUpload = consumes;
        return this;
    }

    /**
     * Whether the server offers the database name look-ups of sdk-rust 0.15 / newer sdk-python:
     * {@code if_not_exists} on {@code POST /v1/databases} (200 + {@code created: false} for an
     * existing name, 201 + {@code created: true} otherwise; {@code created} always sent) and {@code
     * GET /v1/databases/by-name?name=}. Default true. False = an older server: {@code
     * if_not_exists} is ignored (a database is created each time), {@code created} is not sent, and
     * {@code by-name} is taken for a database id (404).
     */
    public boolean databaseNameLookup() {
        return databaseNameLookup;
    }

    public ServerReadings databaseNameLookup(boolean offered) {
        this.databaseNameLookup = offered;
        return this;
    }

    /**
     * Whether {@code GET /v1/information_schema} reports a table's declared {@code key}; default
     * false: the public {@code TableInfo} has no such field (newer-evidence row 5).
     */
    public boolean listingHasKey() {
        return listingHasKey;
    }

    public ServerReadings listingHasKey(boolean hasKey) {
        this.listingHasKey = hasKey;
        return this;
    }

    /**
     * What a load's write lock covers: {@link LockScope#DATABASE} (default; reference §6.4, dlt
     * 0.6.1) or {@link LockScope#TABLE} (sdk-python-framework 0.13); newer-evidence row 4 leaves it
     * unresolved. Two loads into one table meet 409 {@code RESOURCE_LOCKED} under both. A switch
     * applies to loads that take their lock after it.
     */
    public LockScope lockScope() {
        return lockScope;
    }

    public ServerReadings lockScope(LockScope scope) {
        this.lockScope = Objects.requireNonNull(scope, "scope");
        return this;
    }

    /**
     * Sets the {@link #lockScope()} reading and the value {@link #reset()} returns to (the
     * builder's / command line's choice).
     */
    public ServerReadings initialLockScope(LockScope scope) {
        this.initialLockScope = Objects.requireNonNull(scope, "scope");
        this.lockScope = scope;
        return this;
    }

    /**
     * Sets the {@link #databaseNameLookup()} reading and the value {@link #reset()} returns to (the
     * builder's / command line's choice).
     */
    public ServerReadings initialDatabaseNameLookup(boolean offered) {
        this.initialDatabaseNameLookup = offered;
        this.databaseNameLookup = offered;
        return this;
    }

    /**
     * Back to the defaults the server was built with ({@code REPLAY} / false / false / true /
     * {@code DATABASE} unless the builder or the command line chose otherwise).
     */
    public ServerReadings reset() {
        this.uploadReuse = initialUploadReuse;
        this.failedLoadConsumesUpload = initialFailedLoadConsumesUpload;
        this.databaseNameLookup = initialDatabaseNameLookup;
        this.listingHasKey = initialListingHasKey;
        this.lockScope = initialLockScope;
        return this;
    }

    @Override
    public String toString() {
        return "ServerReadings{uploadReuse="
                + uploadReuse
                + ", failedLoadConsumesUpload="
                + failedLoadConsumesUpload
                + ", databaseNameLookup="
                + databaseNameLookup
                + ", listingHasKey="
                + listingHasKey
                + ", lockScope="
                + lockScope
                + "}";
    }
}
