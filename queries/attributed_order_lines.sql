-- attributed_order_lines: every order line with ts in [$from_ms, $to_ms),
-- with the click_to_buy it is attributed to (docs/spec.md §4), or NULL
-- attribution columns when unattributed.
--   1. the click with the same click_id, when the order's ts is at or after
--      the click's event_time and at most $window_ms after it; else
--   2. the latest click by the same user_id on the same product_id at or
--      before the order's ts, within $window_ms.
-- Only clicks of the same retailer and inside the report period qualify.
-- $retailer_id = '' means every retailer. The creator, show and region
-- filters ($creator_id, $show_id, $region; '' = all) keep the lines whose
-- click is of them, after attribution (a filter never moves a line to
-- another click); with a filter set, unattributed lines are left out.
WITH clicks AS (
  SELECT event_id, retailer_id, event_time, click_id, user_id, product_id,
         viewer_id, session_id, show_id, creator_id, offer_id, region, device
  FROM events
  WHERE type = 'click_to_buy'
    AND {{in_period}}
    AND {{retailer_filter}}
),
lines AS (
  SELECT retailer_id, order_id, product_id, ts, user_id, click_id,
         quantity, unit_price, currency
  FROM orders
  WHERE dt >= $from_dt AND dt <= $to_dt
    AND ts >= $from_ms AND ts < $to_ms
    AND {{retailer_filter}}
),
candidates AS (
  SELECT l.retailer_id, l.order_id, l.product_id, 1 AS rule_rank,
         c.event_id AS click_event_id, c.event_time AS click_time
  FROM lines l
  JOIN clicks c
    ON c.retailer_id = l.retailer_id AND c.click_id = l.click_id
  WHERE l.ts >= c.event_time AND l.ts - c.event_time <= $window_ms
  UNION ALL
  SELECT l.retailer_id, l.order_id, l.product_id, 2 AS rule_rank,
         c.event_id AS click_event_id, c.event_time AS click_time
  FROM lines l
  JOIN clicks c
    ON c.retailer_id = l.retailer_id AND c.user_id = l.user_id AND c.product_id = l.product_id
  WHERE l.ts >= c.event_time AND l.ts - c.event_time <= $window_ms
),
chosen AS (
  -- The preferred candidate per line (rule, then latest click, then click event id) in one
  -- GROUP BY: its rule is the least rule_rank, and its click the one min_by picks by the
  -- whole order (unique per candidate); the click's time is read from clicks below.
  -- A row_number() window over every candidate cost ~1/8 of a report at 10M events.
  SELECT retailer_id, order_id, product_id,
         min(rule_rank) AS rule_rank,
         min_by(click_event_id, ROW(rule_rank, -click_time, click_event_id)) AS click_event_id
  FROM candidates
  GROUP BY retailer_id, order_id, product_id
)
SELECT
  l.retailer_id, l.order_id, l.product_id, l.ts, l.user_id, l.click_id,
  l.quantity, l.unit_price, l.currency,
  CAST(l.quantity AS DOUBLE) * l.unit_price AS revenue,
  CASE ch.rule_rank WHEN 1 THEN 'click_id' WHEN 2 THEN 'user_product' END AS attribution,
  ch.click_event_id, c.event_time AS click_time,
  c.viewer_id, c.session_id, c.show_id, c.creator_id, c.offer_id, c.region, c.device
FROM lines l
LEFT JOIN chosen ch
  ON ch.retailer_id = l.retailer_id AND ch.order_id = l.order_id AND ch.product_id = l.product_id
LEFT JOIN clicks c
  ON c.event_id = ch.click_event_id
WHERE {{filters c}}
