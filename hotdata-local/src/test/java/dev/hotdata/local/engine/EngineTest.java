package dev.hotdata.local.engine;

import dev.hotdata.local.store.DataLayout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineTest {

    @TempDir Path dir;

    @Test
    void serverConnectionsShareOneInstance() throws Exception {
        try (Engine engine = new Engine(new DataLayout(dir), 1);
                Connection a = engine.open();
                Connection b = engine.open()) {
            Engine.exec(a, "CREATE TABLE shared_probe AS SELECT 42 AS v");
            // one instance: what one connection creates the other sees, which is why server
            // code on these connections must not create catalog objects
            assertThat(Engine.scalarLong(b, "SELECT v FROM shared_probe")).isEqualTo(42);
            assertThat(Engine.scalarString(b, "SELECT current_setting('TimeZone')"))
                    .isEqualTo("UTC");
        }
    }

    @Test
    void userSqlRunsInAnInstanceOfItsOwn() throws Exception {
        try (Engine engine = new Engine(new DataLayout(dir), 1);
                Connection shared = engine.open();
                Connection one = engine.openIsolated();
                Connection other = engine.openIsolated()) {
            Engine.exec(one, "ATTACH ':memory:' AS tenant_a");
            Engine.exec(one, "CREATE TABLE tenant_a.secret AS SELECT 1 AS v");
            assertThat(Engine.scalarLong(one, "SELECT v FROM tenant_a.secret")).isEqualTo(1);
            assertThatThrownBy(() -> Engine.scalarLong(other, "SELECT v FROM tenant_a.secret"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> Engine.scalarLong(shared, "SELECT v FROM tenant_a.secret"))
                    .isInstanceOf(SQLException.class);
            assertThat(Engine.scalarString(other, "SELECT current_setting('TimeZone')"))
                    .isEqualTo("UTC");
        }
    }

    @Test
    void aSandboxedInstanceReadsOnlyItsPathsAndCannotUndoTheSandbox() throws Exception {
        Path allowed = dir.resolve("allowed.parquet");
        Path other = dir.resolve("other.parquet");
        Path scratch = dir.resolve("scratch");
        java.nio.file.Files.createDirectories(scratch);
        try (Engine engine = new Engine(new DataLayout(dir), 1);
                Connection c = engine.openIsolated(scratch)) {
            Engine.exec(c, "COPY (SELECT 7 AS v) TO '" + allowed + "' (FORMAT parquet)");
            Engine.exec(c, "COPY (SELECT 8 AS v) TO '" + other + "' (FORMAT parquet)");
            Engine.exec(c, "CREATE VIEW t AS SELECT * FROM read_parquet('" + allowed + "')");
            Engine.sandbox(c, java.util.List.of(allowed.toString()), scratch);

            assertThat(Engine.scalarLong(c, "SELECT v FROM t")).isEqualTo(7);
            Engine.exec(
                    c,
                    "COPY (SELECT * FROM t) TO '"
                            + scratch.resolve("r.parquet")
                            + "' (FORMAT parquet)");
            for (String sql :
                    new String[] {
                        "SELECT * FROM read_parquet('" + other + "')",
                        "SELECT * FROM read_text('/etc/passwd')",
                        "SELECT * FROM read_blob('/proc/self/environ')",
                        "SELECT * FROM '/etc/hosts'",
                        "SELECT * FROM glob('/*')",
                        "SELECT * FROM read_parquet('https://example.com/x.parquet')",
                        "COPY (SELECT 1) TO '" + dir.resolve("out.csv") + "'",
                        "SET enable_external_access=true",
                        "RESET lock_configuration",
                        "SET allowed_directories=['/']",
                        "LOAD httpfs",
                        "INSTALL httpfs"
                    }) {
                assertThatThrownBy(() -> Engine.exec(c, sql))
                        .as(sql)
                        .isInstanceOf(SQLException.class);
            }
        }
        assertThat(java.nio.file.Files.exists(dir.resolve("out.csv"))).isFalse();
    }

    @Test
    void aClosedEngineOpensNothing() {
        Engine engine = new Engine(new DataLayout(dir), 1);
        engine.close();
        assertThatThrownBy(engine::open)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("closed");
    }
}
