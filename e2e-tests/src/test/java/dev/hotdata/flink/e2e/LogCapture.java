package dev.hotdata.flink.e2e;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Captures every log event of this JVM (Flink's, hotdata-local's and the connector's) while it is
 * installed: the root logger at INFO, the connector's loggers at every level down to TRACE. The
 * console keeps showing warnings only. Messages and stack traces are kept as text, to be searched.
 */
final class LogCapture implements AutoCloseable {

    private static final String NAME = "hotdata-log-capture";

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final LoggerContext context;
    private final Level rootLevel;
    private final Level connectorLevel;
    private final List<Appender> rootAppenders = new ArrayList<>();
    private final Appender capture;

    private LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        LoggerConfig connector = connectorLogger(config);
        connectorLevel = connector.getLevel();

        capture =
                new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        StringBuilder sb = new StringBuilder();
                        sb.append(event.getLevel())
                                .append(' ')
                                .append(event.getLoggerName())
                                .append(" - ")
                                .append(event.getMessage().getFormattedMessage());
                        if (event.getThrown() != null) {
                            StringWriter trace = new StringWriter();
                            event.getThrown().printStackTrace(new PrintWriter(trace));
                            sb.append('\n').append(trace);
                        }
                        lines.add(sb.toString());
                    }
                };
        capture.start();
        for (Appender a : root.getAppenders().values()) {
            rootAppenders.add(a);
            root.removeAppender(a.getName());
            root.addAppender(a, Level.WARN, null); // the console stays as quiet as before
        }
        root.addAppender(capture, Level.ALL, null);
        root.setLevel(Level.INFO);
        connector.setLevel(Level.ALL);
        context.updateLoggers();
    }

    /** Starts capturing. */
    static LogCapture install() {
        return new LogCapture();
    }

    private static LoggerConfig connectorLogger(Configuration config) {
        LoggerConfig existing = config.getLoggerConfig("dev.hotdata");
        if (existing.getName().equals("dev.hotdata")) {
            return existing;
        }
        LoggerConfig created = new LoggerConfig("dev.hotdata", Level.INFO, true);
        config.addLogger("dev.hotdata", created);
        return created;
    }

    /** Everything captured so far, one event per line (stack traces follow their event). */
    String text() {
        return String.join("\n", lines);
    }

    int events() {
        return lines.size();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(NAME);
        for (Appender a : rootAppenders) {
            root.removeAppender(a.getName());
            root.addAppender(a, null, null);
        }
        root.setLevel(rootLevel);
        connectorLogger(config).setLevel(connectorLevel);
        context.updateLoggers();
        capture.stop();
    }
}
