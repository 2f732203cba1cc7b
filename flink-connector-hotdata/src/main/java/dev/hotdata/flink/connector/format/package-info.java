/**
 * RowData to Parquet, for uploads to Hotdata.
 *
 * <p>Written with parquet-java directly rather than flink-parquet's {@code ParquetRowDataBuilder}:
 * TIMESTAMP_LTZ must land as a UTC-adjusted INT64 timestamp (flink-parquet writes it zone-less, and
 * as INT96 by default), and flink-parquet needs hadoop-common and hadoop-mapreduce-client-core at
 * run time. With a {@code ParquetConfiguration} instead of Hadoop's and our own codec factory
 * ({@link dev.hotdata.flink.connector.format.ParquetCompression} via zstd-jni, snappy-java and the
 * JDK's GZIP), no Hadoop class is needed.
 */
package dev.hotdata.flink.connector.format;
