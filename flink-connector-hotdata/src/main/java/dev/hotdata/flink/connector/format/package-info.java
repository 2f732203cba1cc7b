/**
 * RowData → Parquet for the Hotdata sink: the type mapping ({@link
 * dev.hotdata.flink.connector.format.HotdataTypeSupport}), writer options and a writer of local
 * Parquet files ({@link dev.hotdata.flink.connector.format.HotdataParquetWriterFactory}), and an
 * assembler of several such files into one by copying their row groups ({@link
 * dev.hotdata.flink.connector.format.HotdataParquetAssembler}).
 *
 * <h2>Why not flink-parquet's {@code ParquetRowDataBuilder}</h2>
 *
 * <p>We write through parquet-java ({@code parquet-hadoop}) directly, with our own {@code
 * WriteSupport}, schema converter, output file and codecs, because flink-parquet 2.3.0:
 *
 * <ul>
 *   <li>writes TIMESTAMP_LTZ like TIMESTAMP, as INT96 by default, or with {@code
 *       parquet.write.int64.timestamp=true} as INT64 {@code TIMESTAMP(unit,
 *       isAdjustedToUTC=false)}: readers then see a zone-less timestamp, not an instant. We write
 *       INT64 {@code TIMESTAMP(MICROS, isAdjustedToUTC=true)}, which DuckDB reads as {@code
 *       TIMESTAMP WITH TIME ZONE}.
 *   <li>needs Hadoop at run time: {@code org.apache.hadoop.conf.Configuration} is in its API, and
 *       it calls {@code ParquetOutputFormat}, which extends a {@code hadoop-mapreduce-client-core}
 *       class; any compressed codec also needs hadoop-common's codec classes plus woodstox and
 *       hadoop-shaded-guava (about 10 MB of jars that Flink does not ship).
 *   <li>also writes every DECIMAL as FIXED_LEN_BYTE_ARRAY and TIME as INT32 millis; we use
 *       INT32/INT64 for DECIMAL(p &le; 18) and INT64 micros for TIME.
 * </ul>
 *
 * <h2>No Hadoop at run time</h2>
 *
 * <p>parquet-java's file writer works without Hadoop when it is given an {@code OutputFile} ({@code
 * LocalParquetOutputFile}) and a codec factory ({@code HotdataCodecFactory}: zstd-jni, snappy-java,
 * java.util.zip) — its own {@code CodecFactory} is the one part that loads Hadoop classes. Row
 * groups are managed by {@code RowGroupWriter}, which does what {@code ParquetWriter} does (the
 * files are byte-identical) but writes flat rows straight into the column writers and keeps the
 * size estimate cheap: see docs/performance.md. Hadoop's {@code Configuration} is still named in an
 * abstract method of {@code WriteSupport} we must override, so {@code hadoop-common} is a
 * compile-only ({@code provided}) dependency, and the module's tests run with {@code
 * org.apache.hadoop:*} removed from the classpath to prove nothing loads it.
 */
package dev.hotdata.flink.connector.format;
