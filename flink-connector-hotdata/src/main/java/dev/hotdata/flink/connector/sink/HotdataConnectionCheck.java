package dev.hotdata.flink.connector.sink;

import dev.hotdata.flink.connector.client.HotdataAmbiguousNameException;
import dev.hotdata.flink.connector.client.HotdataClient;
import dev.hotdata.flink.connector.client.HotdataException;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.runtime.execution.SuppressRestartsException;

import java.io.IOException;
import java.util.function.Function;

/**
 * One read-only call made when a writer opens, so that a wrong API key, workspace or endpoint, a
 * database id that does not exist or a database name that matches several databases fails the job
 * when it starts, not at its first checkpoint (which may be minutes later, after the writers have
 * buffered a checkpoint's worth of rows).
 *
 * <p>A rejected key or an unknown workspace cannot heal by restarting the job (the settings are
 * part of the job), so on a fresh start, when there is no restored state whose committables a
 * terminal failure could strand, it fails the job without restarts. After a restore the same errors
 * fail the task normally: the restart strategy keeps the job, and the uploads its checkpoint names,
 * until an operator acts. An unreachable endpoint is always an ordinary, restartable failure.
 */
@Internal
final class HotdataConnectionCheck {

    private HotdataConnectionCheck() {}

    /**
     * A client for the sink's connection (for a writer or committer); what the sink was not given
     * (the API key, workspace, endpoint) is read from the environment of this process, the
     * TaskManager's.
     *
     * @param restored whether the writer or committer starts from a checkpoint or savepoint
     * @throws SuppressRestartsException on a fresh start when the key or workspace is neither
     *     configured nor in this process's environment (an {@link IllegalStateException} after a
     *     restore, so that the restart strategy keeps the job)
     */
    static HotdataClient connect(HotdataSinkConfig config, boolean restored) {
        return connect(config, restored, System::getenv);
    }

    /** As {@link #connect(HotdataSinkConfig, boolean)}, reading {@code env} (tests). */
    @VisibleForTesting
    static HotdataClient connect(
            HotdataSinkConfig config, boolean restored, Function<String, String> env) {
        try {
            return new HotdataClient(config.clientConfig().resolve(env));
        } catch (IllegalStateException e) {
            IllegalStateException error =
                    new IllegalStateException(
                            "Hotdata sink on a TaskManager: " + e.getMessage(), e);
            throw restored ? error : new SuppressRestartsException(error);
        }
    }

    /**
     * Runs the check.
     *
     * @param restored whether the writer starts from a checkpoint or savepoint
     * @throws IOException a restartable failure, naming the endpoint and what went wrong
     * @throws SuppressRestartsException a configuration error on a fresh start
     */
    static void run(HotdataClient client, HotdataSinkConfig config, boolean restored)
            throws IOException {
        String endpoint = client.config().endpoint();
        String workspace = client.config().workspaceId();
        try {
            if (config.databaseId() != null) {
                client.getDatabase(config.databaseId());
            } else {
                checkNameIsUnambiguous(client, config.databaseName());
            }
        } catch (HotdataException e) {
            String where = " (endpoint " + endpoint + ", workspace '" + workspace + "')";
            if (e.statusCode() == 401 || e.statusCode() == 403) {
                throw configurationError(
                        "Hotdata rejected the API key"
                                + where
                                + ": "
                                + e.getMessage()
                                + ". Check the sink's api-key (or HOTDATA_API_KEY) and that it"
                                + " belongs to the workspace.",
                        e,
                        restored);
            }
            if (e.statusCode() == 404 && isWorkspaceError(e, config)) {
                throw configurationError(
                        "Hotdata does not know workspace '"
                                + workspace
                                + "' at "
                                + endpoint
                                + ": "
                                + e.getMessage()
                                + ". Check the sink's workspace-id (or HOTDATA_WORKSPACE).",
                        e,
                        restored);
            }
            if (e.statusCode() == 404) {
                throw configurationError(
                        "Hotdata database id '"
                                + config.databaseId()
                                + "' does not exist"
                                + where
                                + ": "
                                + e.getMessage(),
                        e,
                        restored);
            }
            if (e.statusCode() == 0) {
                throw new IOException(
                        "Cannot reach Hotdata at " + endpoint + ": " + e.getMessage(), e);
            }
            throw new IOException(
                    "Checking the Hotdata connection" + where + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Names are not unique in Hotdata; the committer refuses an ambiguous one too, but only at the
     * first commit. A restart may find the duplicate gone (sinks that create a database at the same
     * time settle on one and delete the others), so this failure is a restartable one.
     */
    private static void checkNameIsUnambiguous(HotdataClient client, String name)
            throws HotdataException, IOException {
        try {
            client.findDatabaseByName(name);
        } catch (HotdataAmbiguousNameException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * A 404 on the database listing can only mean the workspace; on a pinned database id the
     * server's code tells the two apart.
     */
    private static boolean isWorkspaceError(HotdataException e, HotdataSinkConfig config) {
        if (config.databaseId() == null) {
            return true;
        }
        String code = e.errorCode() == null ? "" : e.errorCode();
        return code.contains("WORKSPACE");
    }

    private static RuntimeException configurationError(
            String message, HotdataException cause, boolean restored) {
        IllegalStateException error = new IllegalStateException(message, cause);
        return restored ? error : new SuppressRestartsException(error);
    }
}
