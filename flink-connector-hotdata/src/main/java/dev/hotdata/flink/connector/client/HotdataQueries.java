package dev.hotdata.flink.connector.client;

import dev.hotdata.flink.connector.client.HotdataTransport.Reply;
import dev.hotdata.flink.connector.client.HotdataTransport.Safety;
import dev.hotdata.flink.connector.client.model.QueryRequest;
import dev.hotdata.flink.connector.client.model.QueryResponse;
import dev.hotdata.flink.connector.client.model.QueryRunInfo;
import dev.hotdata.flink.connector.client.model.ResultPage;

import okhttp3.Headers;
import okhttp3.HttpUrl;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static dev.hotdata.flink.connector.client.HotdataTransport.id;

/**
 * The queries and results of {@link HotdataClient} (reference §8): every call names its database in
 * {@code X-Database-Id}, and a result still being computed is polled until it is ready.
 */
final class HotdataQueries {

    static final String HEADER_DATABASE = "X-Database-Id";
    static final String HEADER_TOTAL_ROW_COUNT = "X-Total-Row-Count";

    private final HotdataTransport transport;

    HotdataQueries(HotdataTransport transport) {
        this.transport = transport;
    }

    /** {@code POST /v1/query}; see {@link HotdataClient#query(String, QueryRequest)}. */
    QueryResponse query(String databaseId, QueryRequest request) throws HotdataException {
        Objects.requireNonNull(request, "request");
        HttpUrl url = transport.api("query").build();
        Reply r =
                transport.send(
                        "POST",
                        url,
                        request,
                        databaseHeader(databaseId),
                        Safety.IDEMPOTENT,
                        200,
                        202);
        return transport.parse(r, QueryResponse.class);
    }

    /** {@code GET /v1/query-runs/{id}}. */
    QueryRunInfo getQueryRun(String databaseId, String queryRunId) throws HotdataException {
        HttpUrl url =
                transport.api("query-runs").addPathSegment(id(queryRunId, "queryRunId")).build();
        return transport.parse(
                transport.send(
                        "GET", url, null, databaseHeader(databaseId), Safety.IDEMPOTENT, 200),
                QueryRunInfo.class);
    }

    /** {@code GET /v1/results/{id}?offset&limit}, header values added to the page. */
    ResultPage getResult(String databaseId, String resultId, long offset, Integer limitOrNull)
            throws HotdataException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        HttpUrl.Builder b =
                transport
                        .api("results")
                        .addPathSegment(id(resultId, "resultId"))
                        .addQueryParameter("offset", String.valueOf(offset));
        if (limitOrNull != null) {
            b.addQueryParameter("limit", String.valueOf(limitOrNull));
        }
        Reply r =
                transport.send(
                        "GET",
                        b.build(),
                        null,
                        databaseHeader(databaseId),
                        Safety.IDEMPOTENT,
                        200,
                        202);
        ResultPage page = transport.parse(r, ResultPage.class);
        return page.withHeaderValues(
                HotdataTransport.longHeader(r.headers, HEADER_TOTAL_ROW_COUNT),
                HotdataTransport.retryAfterSeconds(r.headers));
    }

    /**
     * Polls a result until ready, then fetches all of it; see {@link HotdataClient#awaitResult}.
     */
    ResultPage awaitResult(String databaseId, String resultId, Duration timeout)
            throws HotdataException {
        ResultPage ready =
                transport.poll(
                        "GET /v1/results/" + resultId,
                        "result " + resultId,
                        timeout,
                        () -> getResult(databaseId, resultId, 0, 0),
                        ResultPage::isReady,
                        ResultPage::status,
                        status ->
                                status.retryAfterSeconds() == null
                                        ? 0L
                                        : TimeUnit.SECONDS.toMillis(status.retryAfterSeconds()));
        return getResult(databaseId, resultId, 0, null);
    }

    private static Headers databaseHeader(String databaseId) {
        return Headers.of(HEADER_DATABASE, id(databaseId, "databaseId"));
    }
}
