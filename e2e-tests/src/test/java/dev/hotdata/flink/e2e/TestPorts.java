package dev.hotdata.flink.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for child processes that are started after the port is chosen. A port the kernel
 * hands out for {@code bind(0)} comes from the ephemeral range, which outgoing connections draw
 * from too: between choosing it and the child binding it, any connection may take it (a JobManager
 * once failed to start its REST endpoint that way). Ports below the ephemeral range are never given
 * to outgoing connections, so only another listener could take them.
 */
final class TestPorts {

    private static final int LOWEST = 20_000;

    private TestPorts() {}

    /** A port below the ephemeral range that is free on loopback now. */
    static int freePort() throws IOException {
        int ceiling = ephemeralLowerBound();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = LOWEST + random.nextInt(ceiling - LOWEST);
            try (ServerSocket socket =
                    new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free loopback port between " + LOWEST + " and " + ceiling);
    }

    /** Linux's {@code ip_local_port_range} lower bound; 32768 where it cannot be read. */
    private static int ephemeralLowerBound() {
        Path range = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            String text = new String(Files.readAllBytes(range), StandardCharsets.US_ASCII).trim();
            int low = Integer.parseInt(text.split("\\s+")[0]);
            return low > LOWEST + 1000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
