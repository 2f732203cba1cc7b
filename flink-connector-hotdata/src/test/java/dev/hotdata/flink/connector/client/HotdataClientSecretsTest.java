package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.model.LoadMode;
import dev.hotdata.flink.connector.client.model.LoadRequest;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provokes errors whose server bodies echo the key, transport failures and retries, and asserts the
 * API key appears in no exception message, {@code toString()}, stack trace or captured log line.
 */
class HotdataClientSecretsTest extends MockHotdata {

    private final StringBuilder logs = new StringBuilder();
    private AbstractAppender appender;
    private Level previousRootLevel;

    @BeforeEach
    void captureLogs() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        appender =
                new AbstractAppender("secrets-capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        synchronized (logs) {
                            logs.append(event.getLevel())
                                    .append(' ')
                                    .append(event.getMessage().getFormattedMessage())
                                    .append('\n');
                            if (event.getThrown() != null) {
                                logs.append(stackTrace(event.getThrown()));
                            }
                        }
                    }
                };
        appender.start();
        LoggerConfig root = cfg.getRootLogger();
        previousRootLevel = root.getLevel();
        root.addAppender(appender, Level.ALL, null);
        root.setLevel(Level.ALL);
        ctx.updateLoggers();
    }

    @AfterEach
    void stopCapture() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        root.setLevel(previousRootLevel);
        ctx.updateLoggers();
        appender.stop();
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    @Test
    void keyNeverLeaks() throws Exception {
        List<HotdataException> errors = new ArrayList<>();

        // 401 whose message quotes the token
        server.enqueue(error(401, "UNAUTHORIZED", "invalid token " + KEY));
        errors.add(catchIt(() -> client.getDatabase("db_1")));

        // 500 (retried, so the WARN retry log line is produced) echoing the Authorization header
        String echo =
                "<html><pre>Authorization: Bearer " + KEY + "\nX-Workspace-Id: ws</pre></html>";
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse().setResponseCode(500).setBody(echo));
        }
        errors.add(catchIt(() -> client.getDatabase("db_1")));

        // a JSON body echoing a different bearer token is masked too
        server.enqueue(
                json(400, "{\"detail\":\"bad header Authorization: Bearer other_token_xyz\"}"));
        HotdataException other = catchIt(() -> client.getDatabase("db_1"));
        assertThat(other.getMessage()).doesNotContain("other_token_xyz").contains("Bearer ****");
        errors.add(other);

        // a failed job whose message contains the key
        server.enqueue(json(202, "{\"id\":\"job_1\",\"status\":\"pending\"}"));
        server.enqueue(
                json(
                        200,
                        "{\"id\":\"job_1\",\"status\":\"failed\",\"error_message\":\"key "
                                + KEY
                                + "\"}"));
        errors.add(
                catchIt(
                        () ->
                                client.load(
                                        "db",
                                        "s",
                                        "t",
                                        LoadRequest.builder()
                                                .mode(LoadMode.APPEND)
                                                .uploadId("u")
                                                .async(true)
                                                .build())));

        // transport failures: dropped connection, refused connection
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        errors.add(catchIt(() -> client.finalizeUpload("u", "tok", Collections.emptyList())));
        MockWebServer closed = new MockWebServer();
        closed.start(InetAddress.getByName("127.0.0.1"), 0);
        String url = closed.url("/").toString();
        closed.shutdown();
        HotdataClient refused = new HotdataClient(config().endpoint(url).build(), clock);
        errors.add(catchIt(() -> refused.getDatabase("db_1")));
        refused.close();

        assertThat(errors).hasSize(6);
        assertThat(errors.get(0).statusCode()).isEqualTo(401);
        assertThat(errors.get(0).serverMessage()).isEqualTo("invalid token ****");
        assertThat(errors.get(1).statusCode()).isEqualTo(500);
        assertThat(errors.get(1).serverMessage()).contains("Authorization: Bearer ****");
        for (HotdataException e : errors) {
            assertThat(e.getMessage()).doesNotContain(KEY);
            assertThat(e.toString()).doesNotContain(KEY);
            assertThat(String.valueOf(e.serverMessage())).doesNotContain(KEY);
            assertThat(stackTrace(e)).doesNotContain(KEY);
        }
        assertThat(client.config().toString()).doesNotContain(KEY).contains("apiKey=****");
        assertThat(client.toString()).doesNotContain(KEY);

        String captured;
        synchronized (logs) {
            captured = logs.toString();
        }
        // the capture works: the retries of the 500s were logged
        assertThat(captured).contains("retrying");
        assertThat(captured).doesNotContain(KEY);
    }

    interface Call {
        void run() throws Exception;
    }

    private static HotdataException catchIt(Call call) {
        try {
            call.run();
        } catch (HotdataException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected HotdataException", e);
        }
        throw new AssertionError("expected HotdataException, nothing thrown");
    }
}
