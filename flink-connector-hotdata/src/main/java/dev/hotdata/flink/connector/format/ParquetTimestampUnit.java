package dev.hotdata.flink.connector.format;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.parquet.schema.LogicalTypeAnnotation;

/**
 * Unit of the INT64 {@code TIMESTAMP} columns written for Flink {@code TIMESTAMP(p)} and {@code
 * TIMESTAMP_LTZ(p)}.
 *
 * <p>{@link #MICROS} is the default: it is DuckDB's (and so DuckLake's) native timestamp unit, and
 * Hotdata reports timestamp columns as {@code Timestamp(Microsecond, ...)}. With MICROS, a {@code
 * TIMESTAMP(7..9)} value is truncated (towards the past) to whole microseconds; choose {@link
 * #NANOS} to keep nanoseconds, at the cost of a range limited to the years 1677–2262 (values
 * outside fail the write) and of a less common type on the reader's side: DuckDB 1.4 reads a NANOS
 * {@code TIMESTAMP} as {@code TIMESTAMP_NS}, but a UTC-adjusted NANOS one (from TIMESTAMP_LTZ) as
 * {@code TIMESTAMP WITH TIME ZONE}, which holds microseconds.
 */
@PublicEvolving
public enum ParquetTimestampUnit {
    /** Milliseconds; drops sub-millisecond digits. */
    MILLIS(LogicalTypeAnnotation.TimeUnit.MILLIS),
    /** Microseconds (default). */
    MICROS(LogicalTypeAnnotation.TimeUnit.MICROS),
    /** Nanoseconds; range 1677-09-21 to 2262-04-11. */
    NANOS(LogicalTypeAnnotation.TimeUnit.NANOS);

    private final LogicalTypeAnnotation.TimeUnit parquetUnit;

    ParquetTimestampUnit(LogicalTypeAnnotation.TimeUnit parquetUnit) {
        this.parquetUnit = parquetUnit;
    }

    LogicalTypeAnnotation.TimeUnit parquetUnit() {
        return parquetUnit;
    }
}
