-- attribution_lines: the order lines of the report period, ts in
-- [$from_ms, $to_ms), of retailer $retailer_id ('' = every retailer), with
-- their revenue (quantity × unit_price, in the line's currency). Read by
-- order_line_attributions (the rule) and attributed_order_lines (every
-- line, attributed or not).
SELECT retailer_id, order_id, product_id, ts, user_id, click_id,
       quantity, unit_price, currency,
       CAST(quantity AS DOUBLE) * unit_price AS revenue
FROM orders
WHERE dt >= $from_dt AND dt <= $to_dt
  AND ts >= $from_ms AND ts < $to_ms
  AND {{retailer_filter}}
