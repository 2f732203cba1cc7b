package dev.hotdata.local;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code java -jar hotdata-local-*-runnable.jar --port P --data-dir D [--api-key K]
 * [--workspace W]... [--host 127.0.0.1]}. Stops cleanly on SIGTERM / Ctrl-C.
 */
public final class HotdataLocalMain {
    private HotdataLocalMain() {}

    public static void main(String[] args) throws InterruptedException {
        HotdataLocalServer.Builder b = HotdataLocalServer.builder();
        Path dataDir = null;
        boolean keyGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                usage();
                return;
            }
            if (i + 1 >= args.length) {
                System.err.println("missing value for " + a);
                usage();
                System.exit(2);
            }
            String v = args[++i];
            switch (a) {
                case "--port":
                    b.port(Integer.parseInt(v));
                    break;
                case "--data-dir":
                    dataDir = Paths.get(v);
                    break;
                case "--api-key":
                    b.apiKey(v);
                    keyGiven = true;
                    break;
                case "--workspace":
                    b.workspace(v);
                    break;
                case "--host":
                    b.host(v);
                    break;
                case "--upload-ttl":
                    b.uploadTtl(parseDuration(v));
                    break;
                default:
                    System.err.println("unknown option " + a);
                    usage();
                    System.exit(2);
            }
        }
        if (dataDir == null) {
            System.err.println("--data-dir is required");
            usage();
            System.exit(2);
        }
        HotdataLocalServer server = b.dataDir(dataDir).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.close();
                                    stopped.countDown();
                                },
                                "hotdata-local-shutdown"));
        System.out.println("hotdata-local listening on " + server.endpoint());
        System.out.println("  data directory: " + dataDir.toAbsolutePath());
        System.out.println("  workspace(s):   " + String.join(", ", server.workspaceIds()));
        if (keyGiven) {
            System.out.println("  api key:        set (from --api-key)");
        } else {
            // the documented development default is not a secret
            System.out.println(
                    "  api key:        "
                            + HotdataLocalServer.DEFAULT_API_KEY
                            + " (documented local default)");
        }
        System.out.println(
                "  export HOTDATA_API_URL="
                        + server.endpoint()
                        + " HOTDATA_WORKSPACE="
                        + server.workspaceId());
        stopped.await();
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}, or plain seconds. */
    static java.time.Duration parseDuration(String v) {
        char unit = v.charAt(v.length() - 1);
        if (Character.isDigit(unit)) {
            return java.time.Duration.ofSeconds(Long.parseLong(v));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        switch (unit) {
            case 's':
                return java.time.Duration.ofSeconds(n);
            case 'm':
                return java.time.Duration.ofMinutes(n);
            case 'h':
                return java.time.Duration.ofHours(n);
            case 'd':
                return java.time.Duration.ofDays(n);
            default:
                throw new IllegalArgumentException("bad duration " + v);
        }
    }

    private static void usage() {
        System.err.println(
                "usage: java -jar hotdata-local-runnable.jar --data-dir DIR [--port 0] "
                        + "[--host 127.0.0.1] [--api-key KEY] [--workspace ID]... [--upload-ttl 24h]");
    }
}
