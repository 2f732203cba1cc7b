package dev.hotdata.flink.demo;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;

/** Command-line options of the demo. */
public final class DemoOptions {

    /** FRED's CSV download endpoint; {@code ?id=<SERIES>} is appended per series. */
    public static final String FRED_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv";

    private static final Pattern VALID_DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    static final String USAGE =
            "Usage: ./demo.sh [--download] [--local] [--data-dir DIR] [--database NAME] [--serve]\n"
                    + "\n"
                    + "Loads nine FRED macro-economic series into Hotdata with a Flink SQL job:\n"
                    + "database example_macro, tables macro_indicators_raw and macro_wide.\n"
                    + "\n"
                    + "  --download      download the series from FRED first (falls back to the\n"
                    + "                  shipped snapshot when FRED cannot be reached)\n"
                    + "  --local         use the embedded hotdata-local even when HOTDATA_API_KEY\n"
                    + "                  and HOTDATA_WORKSPACE are set\n"
                    + "  --data-dir DIR  hotdata-local's data directory (default:\n"
                    + "                  <java.io.tmpdir>/hotdata-demo/hotdata-local)\n"
                    + "  --database NAME the Hotdata database to write (default example_macro;\n"
                    + "                  lower-case letters, digits and '_'); created when missing\n"
                    + "  --serve         keep the embedded hotdata-local running after the job,\n"
                    + "                  to query it; Ctrl-C stops it\n"
                    + "\n"
                    + "Target: the real Hotdata when HOTDATA_API_KEY and HOTDATA_WORKSPACE are set\n"
                    + "(HOTDATA_API_URL overrides the endpoint), else an embedded hotdata-local.\n";

    private boolean download;
    private boolean forceLocal;
    private boolean serve;
    private boolean help;
    private Path dataDir;
    private String fredUrl = FRED_CSV_URL;
    private String database = MacroPipeline.DATABASE;

    /** Defaults: the snapshot, the target chosen from the environment. */
    public DemoOptions() {}

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException on an unknown option or a missing value
     */
    public static DemoOptions parse(List<String> args) {
        DemoOptions options = new DemoOptions();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--download":
                    options.download = true;
                    break;
                case "--local":
                    options.forceLocal = true;
                    break;
                case "--serve":
                    options.serve = true;
                    break;
                case "--data-dir":
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--data-dir needs a directory");
                    }
                    options.dataDir = Paths.get(args.get(++i));
                    break;
                case "--database":
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--database needs a name");
                    }
                    options.database = validDatabase(args.get(++i));
                    break;
                case "-h":
                case "--help":
                    options.help = true;
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option '" + arg + "'");
            }
        }
        return options;
    }

    public boolean download() {
        return download;
    }

    public boolean forceLocal() {
        return forceLocal;
    }

    public boolean serve() {
        return serve;
    }

    public boolean help() {
        return help;
    }

    /** hotdata-local's data directory: the given one or the default under java.io.tmpdir. */
    public Path dataDir() {
        return dataDir != null
                ? dataDir
                : Paths.get(System.getProperty("java.io.tmpdir"), "hotdata-demo", "hotdata-local");
    }

    /** The Hotdata database the demo writes: {@code example_macro} unless {@code --database}. */
    public String database() {
        return database;
    }

    /** Sets {@link #database()}. */
    public DemoOptions withDatabase(String database) {
        this.database = validDatabase(database);
        return this;
    }

    /**
     * A name that works unquoted in the demo's SQL (Flink's and Hotdata's) and in the catalog's
     * {@code hd.<database>.<table>} paths.
     */
    private static String validDatabase(String name) {
        if (name == null || !VALID_DATABASE.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "--database '"
                            + name
                            + "' is not a valid name: use lower-case letters, digits and '_',"
                            + " starting with a letter or '_' (at most 63 characters)");
        }
        return name;
    }

    /** FRED's CSV endpoint (tests point it elsewhere). */
    public String fredUrl() {
        return fredUrl;
    }

    /** Sets {@link #download()}. */
    public DemoOptions withDownload(boolean download) {
        this.download = download;
        return this;
    }

    /** Sets {@link #fredUrl()}. */
    public DemoOptions withFredUrl(String fredUrl) {
        this.fredUrl = fredUrl;
        return this;
    }
}
