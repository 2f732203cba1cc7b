-- Three tables of one database from one job.
-- mode: streaming
-- parallelism: 2
-- checkpoint-interval: 200 ms
CREATE TABLE src (id BIGINT NOT NULL) WITH (
  'connector' = 'datagen', 'number-of-rows' = '1500', 'rows-per-second' = '1500',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '1499');

CREATE TABLE t1 (id BIGINT NOT NULL, name STRING) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_multi', 'table' = 't1');
CREATE TABLE t2 (id BIGINT NOT NULL, name STRING) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_multi', 'table' = 't2');
CREATE TABLE t3 (id BIGINT NOT NULL, name STRING) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_multi', 'table' = 't3');

EXECUTE STATEMENT SET
BEGIN
INSERT INTO t1 SELECT id, CONCAT('name-', CAST(id AS STRING)) FROM src;
INSERT INTO t2 SELECT id, CONCAT('name-', CAST(id AS STRING)) FROM src;
INSERT INTO t3 SELECT id, CONCAT('name-', CAST(id AS STRING)) FROM src;
END;
