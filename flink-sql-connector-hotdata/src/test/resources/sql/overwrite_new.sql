-- INSERT OVERWRITE at parallelism 4 over many checkpoints: staged, then published at once.
-- mode: streaming
-- parallelism: 4
-- checkpoint-interval: 200 ms
CREATE TABLE src (id BIGINT NOT NULL) WITH (
  'connector' = 'datagen', 'number-of-rows' = '4000', 'rows-per-second' = '1500',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '3999');

CREATE TABLE versions (id BIGINT NOT NULL, version STRING) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_overwrite', 'table' = 'versions');

INSERT OVERWRITE versions SELECT id, 'new' FROM src;
