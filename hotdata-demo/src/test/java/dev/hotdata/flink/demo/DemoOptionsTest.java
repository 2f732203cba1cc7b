package dev.hotdata.flink.demo;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    @Test
    void databaseDefaultsToExampleMacro() {
        assertThat(DemoOptions.parse(Collections.emptyList()).database())
                .isEqualTo(MacroPipeline.DATABASE)
                .isEqualTo("example_macro");
    }

    @Test
    void databaseIsTakenFromTheCommandLine() {
        DemoOptions options = DemoOptions.parse(Arrays.asList("--local", "--database", "run_42"));
        assertThat(options.database()).isEqualTo("run_42");
        assertThat(options.forceLocal()).isTrue();
    }

    @Test
    void aDatabaseNameThatNeedsQuotingIsRefusedNamingTheOption() {
        for (String bad : Arrays.asList("Macro", "1st", "a-b", "a b", "x;drop", "")) {
            assertThatThrownBy(() -> DemoOptions.parse(Arrays.asList("--database", bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--database '" + bad + "'");
        }
        assertThatThrownBy(() -> DemoOptions.parse(Collections.singletonList("--database")))
                .hasMessage("--database needs a name");
    }

    @Test
    void usageListsTheOption() {
        assertThat(DemoOptions.USAGE).contains("--database NAME");
    }
}
