-- mode: batch
-- parallelism: 2
CREATE TABLE src (id BIGINT NOT NULL) WITH (
  'connector' = 'datagen', 'number-of-rows' = '1000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '999');

CREATE TABLE events (id BIGINT NOT NULL, name STRING, amount DECIMAL(12, 2)) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_append', 'table' = 'events');

INSERT INTO events
SELECT id, CONCAT('name-', CAST(id AS STRING)), CAST(MOD(id * 7, 100000) AS DECIMAL(12, 2)) / 100
FROM src;
