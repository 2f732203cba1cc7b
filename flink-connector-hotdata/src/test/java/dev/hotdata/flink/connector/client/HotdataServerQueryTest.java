package dev.hotdata.flink.connector.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a server-side query's run statuses are followed to a persisted result. */
class HotdataServerQueryTest extends MockHotdata {

    private HotdataServerQuery query() {
        return new HotdataServerQuery(client, "db_1", Duration.ofSeconds(30));
    }

    private static String submitted(String runId) {
        return "{\"query_run_id\":\"" + runId + "\",\"status\":\"pending\"}";
    }

    private static String run(String runId, String status) {
        return "{\"id\":\"" + runId + "\",\"status\":\"" + status + "\"}";
    }

    @Test
    void anInterruptedRunIsSubmittedAgainAndAnUnknownStatusIsPolled() throws Exception {
        server.enqueue(json(202, submitted("r1")));
        server.enqueue(json(200, run("r1", "interrupted")));
        server.enqueue(json(202, submitted("r2")));
        server.enqueue(json(200, run("r2", "warming_up")));
        server.enqueue(
                json(
                        200,
                        "{\"id\":\"r2\",\"status\":\"succeeded\",\"result_id\":\"res\","
                                + "\"row_count\":5}"));
        server.enqueue(json(200, "{\"result_id\":\"res\",\"status\":\"ready\"}"));

        HotdataServerQuery.Result result = query().run("SELECT 1");

        assertThat(result.resultId).isEqualTo("res");
        assertThat(result.rowCount).isEqualTo(5);
        assertThat(server.getRequestCount()).isEqualTo(6);
        assertThat(server.takeRequest().getPath()).isEqualTo("/v1/query");
        assertThat(server.takeRequest().getPath()).isEqualTo("/v1/query-runs/r1");
        assertThat(server.takeRequest().getPath()).isEqualTo("/v1/query");
    }

    @Test
    void aFailedRunFailsAndInterruptionsAreBounded() {
        server.enqueue(json(202, submitted("r1")));
        server.enqueue(json(200, run("r1", "failed")));
        assertThatThrownBy(() -> query().run("SELECT 1"))
                .isInstanceOfSatisfying(
                        HotdataException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo(HotdataErrorCodes.JOB_FAILED);
                            assertThat(e.isTransient()).isFalse();
                        });

        for (int i = 0; i < HotdataServerQuery.MAX_SUBMISSIONS; i++) {
            server.enqueue(json(202, submitted("r" + i)));
            server.enqueue(json(200, run("r" + i, "interrupted")));
        }
        assertThatThrownBy(() -> query().run("SELECT 2"))
                .hasMessageContaining(
                        "interrupted " + HotdataServerQuery.MAX_SUBMISSIONS + " times");
    }
}
