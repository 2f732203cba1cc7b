/**
 * The Hotdata catalog ({@code CREATE CATALOG hd WITH ('type' = 'hotdata')}): databases by name,
 * tables of one schema with their columns mapped back to Flink types. {@link
 * dev.hotdata.flink.connector.catalog.HotdataCatalog} is {@code @PublicEvolving}; its factories are
 * {@code @Internal}.
 */
package dev.hotdata.flink.connector.catalog;
