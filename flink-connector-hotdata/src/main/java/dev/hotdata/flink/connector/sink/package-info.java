/**
 * The exactly-once Sink V2 into a Hotdata table.
 *
 * <p>What users touch is {@code @PublicEvolving}: {@link
 * dev.hotdata.flink.connector.sink.HotdataSink} and its {@link
 * dev.hotdata.flink.connector.sink.HotdataSinkBuilder}, {@link
 * dev.hotdata.flink.connector.sink.HotdataWriteMode}, {@link
 * dev.hotdata.flink.connector.sink.HotdataTableLayout} and {@link
 * dev.hotdata.flink.connector.sink.HotdataRowConverter}. Everything else is {@code @Internal} and
 * may change in any release: the writer ({@code HotdataWriter}, the pending rows of each write
 * mode, rolling files and background uploads), the aggregator that gives one run one identity and
 * one committable per checkpoint ({@code HotdataCommitAggregator}), and the committer with its
 * publishers per write mode, upload loader, commit log and stage tables. They share one package, as
 * flink-connector-kafka's sink does, so that the writer's results and the committer's inputs need
 * no package of their own and no package depends on another in a circle.
 */
package dev.hotdata.flink.connector.sink;
