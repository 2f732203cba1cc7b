package dev.hotdata.local.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The data directory layout:
 *
 * <pre>
 * state.json                           metadata (databases, tables, uploads, results, jobs)
 * tables/&lt;table uid&gt;/&lt;file&gt;.parquet   immutable table files; a generation lists some of them
 * uploads/&lt;upload id&gt;/part-N | data    uploaded bytes (parts until finalize, then data)
 * results/&lt;result id&gt;.parquet          persisted query results
 * tmp/                                 scratch space (emptied on start)
 * </pre>
 */
public final class DataLayout {
    private static final Logger LOG = LoggerFactory.getLogger(DataLayout.class);

    private final Path root;

    public DataLayout(Path root) {
        this.root = root;
        try {
            Files.createDirectories(tablesDir());
            Files.createDirectories(root.resolve("uploads"));
            Files.createDirectories(root.resolve("results"));
            Files.createDirectories(tmpDir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    public Path tablesDir() {
        return root.resolve("tables");
    }

    public Path tableDir(String uid) {
        return tablesDir().resolve(uid);
    }

    public Path uploadDir(String uploadId) {
        return root.resolve("uploads").resolve(uploadId);
    }

    public Path uploadData(String uploadId) {
        return uploadDir(uploadId).resolve("data");
    }

    public Path uploadPart(String uploadId, int part) {
        return uploadDir(uploadId).resolve("part-" + part);
    }

    public Path resultFile(String resultId) {
        return root.resolve("results").resolve(resultId + ".parquet");
    }

    public Path tmpDir() {
        return root.resolve("tmp");
    }

    public String relative(Path p) {
        return root.relativize(p).toString();
    }

    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    /** Deletes files no longer referenced, after a grace period so running queries finish. */
    public void deleteLater(ScheduledExecutorService scheduler, List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        List<Path> copy = new ArrayList<>(paths);
        try {
            scheduler.schedule(() -> copy.forEach(DataLayout::deleteQuietly), 30, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            // scheduler stopped (server closing): the start-up sweep removes them
        }
    }

    /** Start-up sweep: removes table files and upload directories the state no longer knows. */
    public void sweep(LocalState state) {
        Set<String> referenced = new HashSet<>();
        for (DatabaseRecord db : state.databases.values()) {
            for (SchemaRecord s : db.schemas.values()) {
                for (TableRecord t : s.tables.values()) {
                    for (FileRecord f : t.files) {
                        referenced.add(resolve(f.path).normalize().toString());
                    }
                }
            }
        }
        try (Stream<Path> files = Files.walk(tablesDir())) {
            files.filter(Files::isRegularFile)
                    .filter(p -> !referenced.contains(p.normalize().toString()))
                    .forEach(DataLayout::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("sweep of {} failed: {}", tablesDir(), e.toString());
        }
        try (Stream<Path> dirs = Files.list(root.resolve("uploads"))) {
            dirs.forEach(
                    d -> {
                        UploadRecord u = state.uploads.get(d.getFileName().toString());
                        if (u == null || UploadRecord.CONSUMED.equals(u.status)) {
                            deleteTree(d);
                        }
                    });
        } catch (IOException e) {
            LOG.warn("sweep of uploads failed: {}", e.toString());
        }
        deleteTree(tmpDir());
        try {
            Files.createDirectories(tmpDir());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.toString());
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(DataLayout::deleteQuietly);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}
