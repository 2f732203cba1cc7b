/** The dynamic table sink of the {@code hotdata} table connector ({@code @Internal}). */
package dev.hotdata.flink.connector.table.sink;
