package dev.hotdata.flink.demo;

import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.model.DatabaseSummary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo against a real Hotdata endpoint, part of {@code mvn -B verify -Plive} (with {@code
 * HOTDATA_API_URL}, {@code HOTDATA_API_KEY} and {@code HOTDATA_WORKSPACE} set): it writes a fresh
 * database with a name unique to the run, checks both tables' full contents as {@link
 * MacroDemoITCase} does against hotdata-local, and deletes the database afterwards. Skipped without
 * a key; outside the profile the class is skipped.
 */
@EnabledIfSystemProperty(named = "hotdata.live", matches = "true")
class MacroDemoLiveITCase {

    @Test
    void loadsBothTablesExactlyIntoTheRealService() throws Exception {
        assumeTrue(
                DemoTarget.environmentHasCredentials(System.getenv()),
                "HOTDATA_API_KEY and HOTDATA_WORKSPACE are not set: live demo test skipped");
        MacroDemoITCase.readSnapshot();
        String database =
                "flinklive_demo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (DemoTarget target = DemoTarget.fromEnvironment(System.getenv())) {
            try {
                String output =
                        MacroDemoITCase.runDemo(target, new DemoOptions().withDatabase(database));

                assertThat(output).contains("Row counts match the input.");
                String databaseId = MacroDemoITCase.databaseId(target, database);
                MacroDemoITCase.assertRawTableEqualsSnapshot(target, databaseId);
                MacroDemoITCase.assertWideTableEqualsPivot(target, databaseId);
                MacroDemoITCase.assertCommitLogNamesBothTables(target, databaseId);
            } finally {
                deleteDatabasesNamed(target, database);
            }
        }
    }

    private static void deleteDatabasesNamed(DemoTarget target, String name) throws Exception {
        try (HotdataClient client = new HotdataClient(target.clientConfig())) {
            for (DatabaseSummary db : client.listAllDatabases(name)) {
                if (name.equals(db.name())) {
                    client.deleteDatabase(db.id());
                }
            }
        }
    }
}
