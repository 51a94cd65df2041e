-- conversion_over_time: per retailer and period of $bucket_ms (an hour or a
-- day, UTC; 0 = the whole period at once, period_start NULL), the figures of
-- conversion_by_group (docs/spec.md §4) over every region, creator and show
-- together: viewers, clickers, buyers, orders, units, revenue (one row per
-- currency; a period without attributed lines has one row, currency NULL),
-- conversion_rate, revenue_per_viewer, and watch_minutes (Σ heartbeat
-- watch_ms / 60000).
-- Viewers of a period: distinct viewer_id with any event in it; an order line
-- counts for the period of the click it is attributed to (as the show
-- timeline counts revenue by the click's minute).
-- Filters $retailer_id, $creator_id, $show_id, $region: '' means all.
-- requires: attributed_order_lines
WITH viewer_periods AS (
  SELECT retailer_id,
         CASE WHEN $bucket_ms > 0 THEN event_time - event_time % $bucket_ms END AS period_start,
         viewer_id,
         sum(CASE WHEN type = 'heartbeat' THEN coalesce(watch_ms, 0) ELSE 0 END) AS watch_ms,
         max(CASE WHEN type = 'click_to_buy' THEN 1 ELSE 0 END) AS clicked
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
  GROUP BY 1, 2, 3
),
audience AS (
  SELECT retailer_id, period_start,
         count(*) AS viewers,
         CAST(sum(clicked) AS BIGINT) AS clickers,
         sum(watch_ms) / CAST(60000 AS DOUBLE) AS watch_minutes
  FROM viewer_periods
  GROUP BY retailer_id, period_start
),
sales AS (
  SELECT retailer_id,
         CASE WHEN $bucket_ms > 0 THEN click_time - click_time % $bucket_ms END AS period_start,
         currency,
         count(DISTINCT viewer_id) AS buyers,
         count(DISTINCT order_id) AS orders,
         CAST(sum(quantity) AS BIGINT) AS units,
         round(sum(revenue), 6) AS revenue
  FROM attributed_order_lines
  WHERE attribution IS NOT NULL
  GROUP BY 1, 2, 3
)
SELECT
  a.retailer_id, a.period_start, s.currency,
  a.viewers, a.clickers,
  coalesce(s.buyers, 0) AS buyers,
  coalesce(s.orders, 0) AS orders,
  coalesce(s.units, 0) AS units,
  coalesce(s.revenue, 0) AS revenue,
  CAST(coalesce(s.buyers, 0) AS DOUBLE) / a.viewers AS conversion_rate,
  coalesce(s.revenue, 0) / a.viewers AS revenue_per_viewer,
  a.watch_minutes
FROM audience a
LEFT JOIN sales s
  ON s.retailer_id = a.retailer_id AND s.period_start IS NOT DISTINCT FROM a.period_start
ORDER BY a.retailer_id, a.period_start, s.currency NULLS FIRST
