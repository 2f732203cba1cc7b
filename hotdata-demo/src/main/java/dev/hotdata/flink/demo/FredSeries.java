package dev.hotdata.flink.demo;

import java.util.Locale;

/**
 * The nine FRED series of the demo, in the column order of {@code macro_wide}. FRED (Federal
 * Reserve Economic Data) is published by the Federal Reserve Bank of St. Louis; each series comes
 * from the original source named here.
 */
public enum FredSeries {
    CPIAUCSL(
            "Consumer Price Index for All Urban Consumers: All Items in U.S. City Average",
            "index 1982-1984=100, monthly, seasonally adjusted",
            "U.S. Bureau of Labor Statistics"),
    FEDFUNDS(
            "Federal Funds Effective Rate",
            "percent, monthly, not seasonally adjusted",
            "Board of Governors of the Federal Reserve System (US)"),
    UNRATE(
            "Unemployment Rate",
            "percent, monthly, seasonally adjusted",
            "U.S. Bureau of Labor Statistics"),
    HOUST(
            "New Privately-Owned Housing Units Started: Total Units",
            "thousands of units, monthly, seasonally adjusted annual rate",
            "U.S. Census Bureau and U.S. Department of Housing and Urban Development"),
    INDPRO(
            "Industrial Production: Total Index",
            "index 2017=100, monthly, seasonally adjusted",
            "Board of Governors of the Federal Reserve System (US)"),
    MORTGAGE30US(
            "30-Year Fixed Rate Mortgage Average in the United States",
            "percent, weekly (Thursday), not seasonally adjusted",
            "Freddie Mac"),
    PAYEMS(
            "All Employees, Total Nonfarm",
            "thousands of persons, monthly, seasonally adjusted",
            "U.S. Bureau of Labor Statistics"),
    RSXFS(
            "Advance Retail Sales: Retail Trade",
            "millions of dollars, monthly, seasonally adjusted",
            "U.S. Census Bureau"),
    T10Y2Y(
            "10-Year Treasury Constant Maturity Minus 2-Year Treasury Constant Maturity",
            "percent, daily (business days), not seasonally adjusted",
            "Federal Reserve Bank of St. Louis, from Board of Governors H.15 yields");

    private final String title;
    private final String units;
    private final String originalSource;

    FredSeries(String title, String units, String originalSource) {
        this.title = title;
        this.units = units;
        this.originalSource = originalSource;
    }

    /** FRED's title of the series. */
    public String title() {
        return title;
    }

    /** Units, frequency and seasonal adjustment as FRED states them. */
    public String units() {
        return units;
    }

    /** Where FRED takes the series from. */
    public String originalSource() {
        return originalSource;
    }

    /** The series' column in {@code macro_wide}: its id in lower case. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** FRED's CSV download of the series (the {@code --download} path). */
    public String downloadUrl() {
        return "https://fred.stlouisfed.org/graph/fredgraph.csv?id=" + name();
    }

    /**
     * The series a normalized file holds, from its name ({@code CPIAUCSL.csv} or {@code
     * T10Y2Y.csv.gz}).
     */
    public static FredSeries fromFileName(String fileName) {
        int dot = fileName.indexOf('.');
        return valueOf(dot < 0 ? fileName : fileName.substring(0, dot));
    }
}
