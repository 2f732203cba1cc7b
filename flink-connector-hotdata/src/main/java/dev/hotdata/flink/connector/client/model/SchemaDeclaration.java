package dev.hotdata.flink.connector.client.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A schema to declare, with optional tables ({@code AddManagedSchemaRequest}, reference §4.3). */
public final class SchemaDeclaration {

    private String name;
    private List<TableDeclaration> tables;

    private SchemaDeclaration() {}

    public SchemaDeclaration(String name, List<TableDeclaration> tables) {
        this.name = Objects.requireNonNull(name, "schema name");
        this.tables = Lists.copyOrNull(tables);
    }

    public static SchemaDeclaration of(String name, TableDeclaration... tables) {
        return new SchemaDeclaration(name, tables.length == 0 ? null : Arrays.asList(tables));
    }

    public String name() {
        return name;
    }

    public List<TableDeclaration> tables() {
        return Lists.view(tables);
    }

    @Override
    public String toString() {
        return "SchemaDeclaration{name=" + name + ", tables=" + tables + '}';
    }
}
