-- conversion_by_group: per retailer and group (docs/spec.md §4): viewers,
-- clickers, buyers, orders, units, revenue, conversion_rate,
-- revenue_per_viewer. {{group}} is the group column, substituted by the loader
-- from the whitelist beside the report definitions
-- (pipeline/reports/definitions.ts: creator_id, show_id, offer_id, region);
-- values are always bound parameters.
-- One row per currency of its attributed order lines (viewers and clickers
-- repeated); a group with no attributed line gets one row, currency NULL.
-- Viewers: distinct viewer_id with any event of the group (of an offer: with
-- a product_impression or click_to_buy of it). Lines count for the group of
-- the click they are attributed to.
-- Filters $retailer_id, $creator_id, $show_id, $region: '' means all.
-- requires: attributed_order_lines
WITH viewer_groups AS (
  -- One row per viewer of a group (cheaper than count(DISTINCT) twice over every event).
  SELECT retailer_id, {{group}}, viewer_id,
         max(CASE WHEN type = 'click_to_buy' THEN 1 ELSE 0 END) AS clicked
  FROM events
  WHERE dt >= $from_dt AND dt <= $to_dt
    AND event_time >= $from_ms AND event_time < $to_ms
    AND ($retailer_id = '' OR retailer_id = $retailer_id)
    AND ($creator_id = '' OR creator_id = $creator_id)
    AND ($show_id = '' OR show_id = $show_id)
    AND ($region = '' OR region = $region)
    -- An offer's viewers are those shown or clicking it (docs/spec.md §4); the literal comparison folds away.
    AND ('{{group}}' <> 'offer_id' OR (type IN ('product_impression', 'click_to_buy') AND offer_id IS NOT NULL))
  GROUP BY retailer_id, {{group}}, viewer_id
),
audience AS (
  SELECT retailer_id, {{group}},
         count(*) AS viewers,
         CAST(sum(clicked) AS BIGINT) AS clickers
  FROM viewer_groups
  GROUP BY retailer_id, {{group}}
),
sales AS (
  SELECT retailer_id, {{group}}, currency,
         count(DISTINCT viewer_id) AS buyers,
         count(DISTINCT order_id) AS orders,
         CAST(sum(quantity) AS BIGINT) AS units,
         -- Rounded to 1e-6 so float addition noise (2075.030000000002) never shows; exact for every currency.
         round(sum(revenue), 6) AS revenue
  FROM attributed_order_lines
  WHERE attribution IS NOT NULL
  GROUP BY retailer_id, {{group}}, currency
)
SELECT
  a.retailer_id, a.{{group}}, s.currency,
  a.viewers, a.clickers,
  coalesce(s.buyers, 0) AS buyers,
  coalesce(s.orders, 0) AS orders,
  coalesce(s.units, 0) AS units,
  coalesce(s.revenue, 0) AS revenue,
  CAST(coalesce(s.buyers, 0) AS DOUBLE) / a.viewers AS conversion_rate,
  coalesce(s.revenue, 0) / a.viewers AS revenue_per_viewer
FROM audience a
LEFT JOIN sales s
  ON s.retailer_id = a.retailer_id AND s.{{group}} = a.{{group}}
ORDER BY a.retailer_id, a.{{group}}, s.currency NULLS FIRST
