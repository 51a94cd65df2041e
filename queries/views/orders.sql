-- orders: order lines once per (retailer_id, order_id, product_id), the
-- latest import winning (docs/spec.md §3: importing a file twice changes no
-- report). Two copies of a key with the same imported_at (two imports in one
-- millisecond, or a lake written by another tool; one import keeps a key's last
-- line) are ordered by their content, so every engine and run keeps the same one.
-- Reads lake_orders (DuckDB: read_parquet over lake/orders/dt=*/;
-- Athena: the external table `livelens athena ddl` creates, pipeline/engine/athena-ddl.ts).
WITH numbered AS (
  SELECT
    lake_orders.*,
    row_number() OVER (PARTITION BY retailer_id, order_id, product_id ORDER BY imported_at DESC, ts DESC, quantity DESC, unit_price DESC, currency, user_id, click_id) AS import_rank
  FROM lake_orders
)
SELECT
  retailer_id, order_id, ts, user_id, click_id, product_id, quantity, unit_price,
  currency, imported_at, dt
FROM numbered
WHERE import_rank = 1
