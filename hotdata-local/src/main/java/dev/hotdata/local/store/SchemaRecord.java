package dev.hotdata.local.store;

import java.util.LinkedHashMap;
import java.util.Map;

/** A schema of a database's default catalog. */
public final class SchemaRecord {
    public String name;
    public Map<String, TableRecord> tables = new LinkedHashMap<>();
}
