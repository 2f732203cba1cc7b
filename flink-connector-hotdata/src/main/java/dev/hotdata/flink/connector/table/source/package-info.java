/**
 * The dynamic table source of the {@code hotdata} table connector, with projection, filter and
 * limit pushed into the query ({@code @Internal}).
 */
package dev.hotdata.flink.connector.table.source;
