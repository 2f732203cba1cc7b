/**
 * The bounded FLIP-27 source that reads one query's persisted result from Hotdata: the enumerator
 * runs the query once and cuts the result into row ranges, readers page through them. The result
 * pages are converted from Hotdata's JSON (types from its Arrow schema). {@link
 * dev.hotdata.flink.connector.source.HotdataSource} is {@code @PublicEvolving}; the rest is
 * {@code @Internal}.
 */
package dev.hotdata.flink.connector.source;
