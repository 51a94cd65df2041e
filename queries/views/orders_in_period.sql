-- orders_in_period: the orders view (views/orders.sql: once per (retailer_id,
-- order_id, product_id), the latest import winning) over only the dt
-- partitions a statement reads, carried by the statement as its `orders` CTE
-- (pipeline/engine/partition-bounds.ts). Days $scan_from_dt..$scan_to_dt are
-- read in full; the margin days out to $dedupe_from_dt..$dedupe_to_dt
-- (ORDER_REIMPORT_MARGIN_DAYS) only for the key and imported_at, so a
-- re-import that moved a line's ts to a neighbouring day still replaces the
-- older import. Ties on imported_at are broken by content, as in views/orders.sql.
SELECT
  retailer_id, order_id, ts, user_id, click_id, product_id, quantity, unit_price,
  currency, imported_at, dt
FROM (
  SELECT
    lake_orders.*,
    row_number() OVER (PARTITION BY retailer_id, order_id, product_id ORDER BY imported_at DESC, ts DESC, quantity DESC, unit_price DESC, currency, user_id, click_id) AS import_rank
  FROM lake_orders
  WHERE dt >= $scan_from_dt AND dt <= $scan_to_dt
) numbered
WHERE import_rank = 1
  AND NOT EXISTS (
    SELECT 1
    FROM lake_orders later
    WHERE later.dt >= $dedupe_from_dt AND later.dt <= $dedupe_to_dt
      AND (later.dt < $scan_from_dt OR later.dt > $scan_to_dt)
      AND later.retailer_id = numbered.retailer_id
      AND later.order_id = numbered.order_id
      AND later.product_id = numbered.product_id
      AND later.imported_at > numbered.imported_at
  )
