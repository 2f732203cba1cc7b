package dev.hotdata.flink.e2e;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test JVM's classpath (as Maven resolved it), split the way a Flink deployment splits it: what
 * a cluster's {@code lib/} holds (Flink and its dependencies) and what a job ships (the connector,
 * its own libraries, and the job's classes).
 */
final class TestClasspath {

    /**
     * Path fragments of the jars the connector brings itself (its runtime dependencies that are not
     * part of Flink); they travel with the job, as a user would ship them.
     */
    private static final List<String> CONNECTOR_LIBRARIES =
            Arrays.asList(
                    "/flink-connector-hotdata/target/",
                    "/com/squareup/okhttp3/",
                    "/com/squareup/okio/",
                    "/org/jetbrains/kotlin/",
                    "/com/fasterxml/jackson/",
                    "/org/apache/parquet/",
                    "/io/airlift/aircompressor/",
                    "/commons-pool/",
                    "/com/github/luben/",
                    "/javax/annotation/");

    /** Neither lib/ nor the job: the local server and the test module's own output. */
    private static final List<String> NOT_FOR_THE_CLUSTER =
            Arrays.asList("/hotdata-local/target/", "/org/duckdb/", "/e2e-tests/target/");

    private final List<String> entries;

    private TestClasspath(List<String> entries) {
        this.entries = entries;
    }

    /** The classpath surefire gave this JVM. */
    static TestClasspath current() {
        String cp =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        return new TestClasspath(
                Arrays.stream(cp.split(File.pathSeparator))
                        .filter(e -> !e.isEmpty())
                        .collect(Collectors.toList()));
    }

    /** Everything on the test classpath: what a separate hotdata-local JVM can run from. */
    String all() {
        return String.join(File.pathSeparator, entries);
    }

    /** Flink and its dependencies, as a cluster's lib/ would hold them: no connector classes. */
    String clusterClasspath() {
        return entries.stream()
                .filter(e -> !matches(e, CONNECTOR_LIBRARIES) && !matches(e, NOT_FOR_THE_CLUSTER))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * The jars a job ships to the cluster: the connector and its libraries, plus the test classes
     * (the job's functions) packed into a jar in {@code dir}.
     */
    List<String> jobJars(Path dir) throws IOException {
        List<String> jars = new ArrayList<>();
        for (String entry : entries) {
            if (matches(entry, CONNECTOR_LIBRARIES)) {
                Path path = Paths.get(entry);
                // a reactor build in an IDE may point at target/classes instead of the jar
                jars.add(
                        Files.isDirectory(path)
                                ? jar(path, dir.resolve("connector-classes.jar")).toString()
                                : entry);
            }
        }
        Path testClasses = Paths.get(System.getProperty("basedir", "."), "target", "test-classes");
        jars.add(jar(testClasses, dir.resolve("e2e-test-classes.jar")).toString());
        return jars;
    }

    private static boolean matches(String entry, List<String> fragments) {
        String unix = entry.replace(File.separatorChar, '/');
        return fragments.stream().anyMatch(unix::contains);
    }

    private static Path jar(Path classes, Path target) throws IOException {
        try (OutputStream out = Files.newOutputStream(target);
                JarOutputStream jar = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                jar.putNextEntry(new JarEntry(name));
                Files.copy(file, jar);
                jar.closeEntry();
            }
        }
        return target;
    }
}
