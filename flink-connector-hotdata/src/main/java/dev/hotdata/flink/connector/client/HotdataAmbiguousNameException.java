package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.DatabaseSummary;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several databases have the name a look-up asked for ({@link
 * HotdataClient#findDatabaseByName(String)}). Names are not unique in Hotdata: only an id chooses
 * one. The message names the matching ids.
 */
public final class HotdataAmbiguousNameException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String name;

    /** Not serialised: a summary is not serialisable (empty after deserialisation). */
    private final transient List<DatabaseSummary> matches;

    HotdataAmbiguousNameException(String name, List<DatabaseSummary> matches) {
        super(
                "Hotdata database name '"
                        + name
                        + "' matches "
                        + matches.size()
                        + " databases (ids: "
                        + matches.stream()
                                .map(DatabaseSummary::id)
                                .collect(Collectors.joining(", "))
                        + "). Names are not unique in Hotdata: set the database id to"
                        + " choose one.");
        this.name = name;
        this.matches = Collections.unmodifiableList(new ArrayList<>(matches));
    }

    /** The name looked up. */
    public String name() {
        return name;
    }

    /** The databases that have the name, in listing order. */
    public List<DatabaseSummary> matches() {
        return matches == null ? Collections.emptyList() : matches;
    }
}
