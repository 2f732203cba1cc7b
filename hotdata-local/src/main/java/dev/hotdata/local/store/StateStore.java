package dev.hotdata.local.store;

import dev.hotdata.local.api.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * Owns the {@link LocalState} and its file {@code state.json}. Every mutation runs under this
 * object's monitor and is written with write-to-temp + atomic rename, so a crash leaves either the
 * old or the new metadata, never a mix.
 */
public final class StateStore {
    private final Path dataDir;
    private final Path file;
    private final LocalState state;

    public StateStore(Path dataDir) {
        this.dataDir = dataDir;
        this.file = dataDir.resolve("state.json");
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) {
                state = Json.MAPPER.readValue(file.toFile(), LocalState.class);
            } else {
                state = new LocalState();
            }
            if (state.signingSecret == null) {
                byte[] b = new byte[32];
                new SecureRandom().nextBytes(b);
                StringBuilder sb = new StringBuilder();
                for (byte x : b) {
                    sb.append(String.format("%02x", x));
                }
                state.signingSecret = sb.toString();
                persist();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Reads under the lock. */
    public synchronized <T> T read(Function<LocalState, T> reader) {
        return reader.apply(state);
    }

    /** Mutates under the lock and persists; an exception leaves the file untouched. */
    public synchronized <T> T write(Function<LocalState, T> mutation) {
        T out = mutation.apply(state);
        persist();
        return out;
    }

    public synchronized long nextSeq() {
        return ++state.seq;
    }

    private void persist() {
        Path tmp = dataDir.resolve("state.json.tmp");
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(state);
            Files.write(tmp, bytes);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
