package dev.hotdata.flink.connector.sql;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** What the shaded jar holds, and that the stock lib/ the scripts run on has none of it. */
class HotdataShadedJarITCase {

    /** Packages that may stay unrelocated: native code binds JNI symbols to their names. */
    private static final String[] NATIVE_PACKAGES = {
        "com/github/luben/zstd/", "org/xerial/snappy/"
    };

    @Test
    void everyClassIsOursRelocatedOrANativeLibrary() throws IOException {
        List<String> foreign = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(HotdataSqlScripts.SHADED_JAR.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                classes++;
                if (!name.startsWith("dev/hotdata/flink/") && !isNative(name)) {
                    foreign.add(name);
                }
            }
        }
        assertThat(classes).isGreaterThan(1000);
        assertThat(foreign)
                .as("classes outside dev/hotdata/flink/ and the native libraries")
                .isEmpty();
        long size = Files.size(HotdataSqlScripts.SHADED_JAR);
        System.out.printf(
                "Shaded jar: %s, %,d bytes, %,d classes%n",
                HotdataSqlScripts.SHADED_JAR.getFileName(), size, classes);
    }

    @Test
    void theFactoryIsRegisteredAndNothingOfFlinkOrHadoopIsInside() throws IOException {
        try (JarFile jar = new JarFile(HotdataSqlScripts.SHADED_JAR.toFile())) {
            JarEntry services =
                    jar.getJarEntry("META-INF/services/org.apache.flink.table.factories.Factory");
            assertThat(services).isNotNull();
            try (InputStream in = jar.getInputStream(services)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(text)
                        .contains("dev.hotdata.flink.connector.table.HotdataDynamicTableFactory");
            }
            assertThat(jar.stream().map(JarEntry::getName))
                    .noneMatch(n -> n.startsWith("org/apache/hadoop/"))
                    .noneMatch(n -> n.startsWith("org/apache/flink/"))
                    .noneMatch(n -> n.startsWith("dev/hotdata/local/"))
                    .anyMatch(n -> n.startsWith("dev/hotdata/flink/shaded/okhttp3/"))
                    .anyMatch(n -> n.startsWith("dev/hotdata/flink/shaded/org/apache/parquet/"))
                    .anyMatch(n -> n.startsWith("linux/amd64/libzstd-jni"));
        }
    }

    @Test
    void theStockLibHoldsNoneOfTheConnectorsDependencies() throws IOException {
        List<Path> lib = HotdataSqlScripts.flinkLib();
        assertThat(lib).isNotEmpty();
        assertThat(lib)
                .extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.startsWith("flink-table-planner-loader"))
                .anyMatch(n -> n.startsWith("flink-table-runtime"))
                .noneMatch(n -> n.startsWith("okhttp"))
                .noneMatch(n -> n.startsWith("okio"))
                .noneMatch(n -> n.startsWith("kotlin"))
                .noneMatch(n -> n.startsWith("jackson-"))
                .noneMatch(n -> n.startsWith("parquet-"))
                .noneMatch(n -> n.startsWith("hadoop-"))
                .noneMatch(n -> n.startsWith("zstd-jni"))
                .noneMatch(n -> n.startsWith("flink-connector-hotdata"))
                .noneMatch(n -> n.startsWith("hotdata-local"));
    }

    private static boolean isNative(String name) {
        for (String p : NATIVE_PACKAGES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
