/**
 * The {@code 'connector' = 'hotdata'} table connector: its options ({@link
 * dev.hotdata.flink.connector.table.HotdataConnectorOptions}, {@code @PublicEvolving}), the one
 * place they are checked and mapped ({@code HotdataConnectorOptionsUtil}) and the factory ({@code
 * HotdataDynamicTableFactory}). The dynamic table sink and source are in {@code table.sink} and
 * {@code table.source}; they depend on the sink and source packages, never the other way round.
 */
package dev.hotdata.flink.connector.table;
