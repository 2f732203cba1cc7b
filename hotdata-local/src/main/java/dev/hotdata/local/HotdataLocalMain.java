package dev.hotdata.local;

import dev.hotdata.local.api.LockScope;
import dev.hotdata.local.api.UploadReuse;
import dev.hotdata.local.latency.LatencyProfile;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code java -jar hotdata-local-*-runnable.jar --port P --data-dir D [--api-key K]
 * [--workspace W]... [--host 127.0.0.1] [--allow-host NAME]... [--upload-ttl 24h] [--upload-reuse
 * replay|conflict] [--failed-load-consumes-upload] [--no-database-name-lookup] [--listing-has-key]
 * [--lock-scope database|table] [--latency-profile none|cloud] [--latency-scale 1.0]
 * [--latency-seed N]}. Stops cleanly on SIGTERM / Ctrl-C.
 */
public final class HotdataLocalMain {
    private HotdataLocalMain() {}

    /** The parsed command line (package-private for tests). */
    static final class Options {
        final HotdataLocalServer.Builder builder = HotdataLocalServer.builder();
        Path dataDir;
        boolean keyGiven;
        boolean help;
    }

    /** Parses the arguments; {@link IllegalArgumentException} for a bad command line. */
    static Options parse(String[] args) {
        Options o = new Options();
        HotdataLocalServer.Builder b = o.builder;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                o.help = true;
                return o;
            }
            if (a.equals("--failed-load-consumes-upload")) {
                b.failedLoadConsumesUpload(true);
                continue;
            }
            if (a.equals("--no-database-name-lookup")) {
                b.databaseNameLookup(false);
                continue;
            }
            if (a.equals("--listing-has-key")) {
                b.listingHasKey(true);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--port":
                    b.port(Integer.parseInt(v));
                    break;
                case "--data-dir":
                    o.dataDir = Paths.get(v);
                    break;
                case "--api-key":
                    b.apiKey(v);
                    o.keyGiven = true;
                    break;
                case "--workspace":
                    b.workspace(v);
                    break;
                case "--host":
                    b.host(v);
                    break;
                case "--allow-host":
                    b.allowHost(v);
                    break;
                case "--upload-ttl":
                    b.uploadTtl(parseDuration(v));
                    break;
                case "--latency-profile":
                    b.latencyProfile(LatencyProfile.named(v));
                    break;
                case "--latency-scale":
                    b.latencyScale(Double.parseDouble(v));
                    break;
                case "--latency-seed":
                    b.latencySeed(Long.parseLong(v));
                    break;
                case "--upload-reuse":
                    if (v.equalsIgnoreCase("replay")) {
                        b.uploadReuse(UploadReuse.REPLAY);
                    } else if (v.equalsIgnoreCase("conflict")) {
                        b.uploadReuse(UploadReuse.CONFLICT);
                    } else {
                        throw new IllegalArgumentException(
                                "--upload-reuse must be replay or conflict, not " + v);
                    }
                    break;
                case "--lock-scope":
                    LockScope scope = LockScope.ofWireName(v);
                    if (scope == null) {
                        throw new IllegalArgumentException(
                                "--lock-scope must be database or table, not " + v);
                    }
                    b.lockScope(scope);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.dataDir == null) {
            throw new IllegalArgumentException("--data-dir is required");
        }
        return o;
    }

    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        if (o.help) {
            usage();
            return;
        }
        HotdataLocalServer.Builder b = o.builder;
        Path dataDir = o.dataDir;
        boolean keyGiven = o.keyGiven;
        HotdataLocalServer server;
        try {
            server = b.dataDir(dataDir).build();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        server.start();
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
        System.out.println("  readings:       " + server.readings());
        System.out.println("  latency:        " + server.latency());
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
                        + "[--host 127.0.0.1] [--allow-host NAME]... [--api-key KEY] [--workspace ID]... "
                        + "[--upload-ttl 24h] "
                        + "[--upload-reuse replay|conflict] [--failed-load-consumes-upload] "
                        + "[--no-database-name-lookup] [--listing-has-key] "
                        + "[--lock-scope database|table] "
                        + "[--latency-profile none|cloud] [--latency-scale 1.0] "
                        + "[--latency-seed N]");
        System.err.println();
        System.err.println(
                "--latency-profile cloud adds the live service's measured costs to each request"
                        + " (lognormal draws from --latency-seed, times --latency-scale; see the"
                        + " README, \"Latency profile\"):");
        System.err.print(LatencyProfile.CLOUD.describe().replaceAll("(?m)^", "  "));
    }
}
