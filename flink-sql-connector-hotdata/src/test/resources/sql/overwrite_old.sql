-- mode: batch
-- parallelism: 4
CREATE TABLE src (id BIGINT NOT NULL) WITH (
  'connector' = 'datagen', 'number-of-rows' = '300',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '299');

CREATE TABLE versions (id BIGINT NOT NULL, version STRING) WITH (
  'connector' = 'hotdata', 'database' = 'sql_script_overwrite', 'table' = 'versions');

INSERT OVERWRITE versions SELECT id, 'old' FROM src;
