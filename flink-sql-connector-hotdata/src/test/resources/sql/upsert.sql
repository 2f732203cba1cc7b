-- An updating aggregate with a HAVING clause: keys 0..49 reach 30 rows and are retracted
-- (deletes), keys 50..99 end with 29 rows. Streaming, several checkpoints.
-- mode: streaming
-- parallelism: 2
-- checkpoint-interval: 200 ms
CREATE TABLE src (id BIGINT NOT NULL) WITH (
  'connector' = 'datagen', 'number-of-rows' = '2950', 'rows-per-second' = '1500',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '2949');

CREATE TABLE counts (k BIGINT NOT NULL, c BIGINT, m BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_upsert', 'table' = 'counts');

INSERT INTO counts
SELECT MOD(id, 100) AS k, COUNT(*) AS c, MAX(id) AS m
FROM src GROUP BY MOD(id, 100) HAVING COUNT(*) < 30;
