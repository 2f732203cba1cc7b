-- Two jobs into one insert-only table: ids 0..99 first, then 50..149; existing keys are kept.
-- mode: batch
-- parallelism: 2
CREATE TABLE first_ids (id BIGINT NOT NULL) WITH (
  'connector' = 'datagen', 'number-of-rows' = '100',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '99');

CREATE TABLE second_ids (id BIGINT NOT NULL) WITH (
  'connector' = 'datagen', 'number-of-rows' = '100',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '50', 'fields.id.end' = '149');

CREATE TABLE kv (id BIGINT NOT NULL, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_insert_only', 'table' = 'kv',
  'sink.write-mode' = 'insert-only');

INSERT INTO kv SELECT id, 'first' FROM first_ids;

INSERT INTO kv SELECT id, 'second' FROM second_ids;
