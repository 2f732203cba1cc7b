/**
 * A typed HTTP client of the Hotdata API, with no Flink types: nothing here imports {@code
 * org.apache.flink}, so the client can be used and tested on its own.
 *
 * <ul>
 *   <li>{@link dev.hotdata.flink.connector.client.HotdataClient}: the one entry point (databases,
 *       tables, uploads, loads, jobs, queries, results, information schema); its class comment
 *       holds the contract on headers, retries and secrets.
 *   <li>{@code HotdataTransport} (package-private): the OkHttp clients, sending requests, the retry
 *       loop, mapping failures to {@link dev.hotdata.flink.connector.client.HotdataException},
 *       redacting the API key, parsing JSON.
 *   <li>{@code HotdataUploads} and {@code MultipartUploader} (package-private): upload sessions and
 *       parallel multipart uploads, including {@link
 *       dev.hotdata.flink.connector.client.HotdataGrowingFileUpload} for a file still being
 *       written.
 *   <li>{@link dev.hotdata.flink.connector.client.HotdataClientConfig}, {@link
 *       dev.hotdata.flink.connector.client.RetryPolicy}, {@link
 *       dev.hotdata.flink.connector.client.HotdataClock}: configuration; {@code model}: the
 *       requests and answers as Java types.
 * </ul>
 *
 * <h2>Stability</h2>
 *
 * <p>Internal to the connector. The public types are public so that the connector's other packages
 * (and its tests, demo and benchmarks) can use them, not as a supported API: they may change in any
 * release. The package-private classes may change at any time.
 */
package dev.hotdata.flink.connector.client;
