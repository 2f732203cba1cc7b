package dev.hotdata.flink.connector.sql;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs a SQL script in a local TableEnvironment, as the SQL client would, in a JVM whose classpath
 * is a stock Flink {@code lib/} plus the shaded connector jar. Uses nothing but Flink's Table API.
 *
 * <p>Header comments set the environment: {@code -- mode: batch|streaming}, {@code -- parallelism:
 * N}, {@code -- checkpoint-interval: 200 ms}. Statements end with {@code ;} at the end of a line;
 * {@code EXECUTE STATEMENT SET BEGIN ... END;} is one statement. Every job is awaited.
 */
public final class HotdataSqlScriptRunner {

    private HotdataSqlScriptRunner() {}

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        for (String line : lines) {
            String l = line.trim();
            if (l.startsWith("-- mode:")) {
                conf.set(
                        ExecutionOptions.RUNTIME_MODE,
                        RuntimeExecutionMode.valueOf(value(l).toUpperCase(Locale.ROOT)));
            } else if (l.startsWith("-- parallelism:")) {
                conf.set(CoreOptions.DEFAULT_PARALLELISM, Integer.parseInt(value(l)));
            } else if (l.startsWith("-- checkpoint-interval:")) {
                conf.setString(CheckpointingOptions.CHECKPOINTING_INTERVAL.key(), value(l));
            }
        }
        TableEnvironment tEnv =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().withConfiguration(conf).build());
        for (String statement : statements(lines)) {
            System.out.println("> " + statement.split("\n")[0]);
            TableResult result = tEnv.executeSql(statement);
            if (result.getJobClient().isPresent()) {
                result.await(5, TimeUnit.MINUTES);
                System.out.println("  job " + result.getJobClient().get().getJobID() + " finished");
            }
        }
        System.out.println("SCRIPT OK");
        System.exit(0);
    }

    private static String value(String headerLine) {
        return headerLine.substring(headerLine.indexOf(':') + 1).trim();
    }

    static List<String> statements(List<String> lines) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inSet = false;
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("--") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (current.length() == 0
                    && trimmed.toUpperCase(Locale.ROOT).startsWith("EXECUTE STATEMENT SET")) {
                inSet = true;
            }
            current.append(line).append('\n');
            boolean ends = inSet ? trimmed.equalsIgnoreCase("END;") : trimmed.endsWith(";");
            if (ends) {
                String s = current.toString().trim();
                statements.add(s.substring(0, s.length() - 1));
                current.setLength(0);
                inSet = false;
            }
        }
        if (current.toString().trim().length() > 0) {
            throw new IllegalArgumentException("Unterminated statement: " + current);
        }
        return statements;
    }
}
