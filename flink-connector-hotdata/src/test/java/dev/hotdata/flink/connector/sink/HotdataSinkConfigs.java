package dev.hotdata.flink.connector.sink;

/** Gives tests of other packages the configuration a builder makes. */
public final class HotdataSinkConfigs {

    private HotdataSinkConfigs() {}

    public static HotdataSinkConfig of(HotdataSinkBuilder<?> builder) {
        return builder.build().getConfig();
    }

    public static HotdataSinkConfig of(HotdataSink<?> sink) {
        return sink.getConfig();
    }
}
