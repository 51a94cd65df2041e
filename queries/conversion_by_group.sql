-- conversion_by_group: per retailer and group (docs/spec.md §4): viewers,
-- clickers, buyers, orders, units, revenue, conversion_rate,
-- revenue_per_viewer, watch_minutes and watch_minutes_per_viewer. {{group}} is the group column, substituted by the loader
-- from the whitelist beside the report definitions
-- (pipeline/reports/definitions.ts: creator_id, show_id, offer_id, region);
-- values are always bound parameters.
-- One row per currency of its attributed order lines (viewers and clickers
-- repeated); a group with no attributed line gets one row, currency NULL.
-- Viewers: distinct viewer_id with any event of the group (of an offer: with
-- a product_impression or click_to_buy of it). Lines count for the group of
-- the click they are attributed to.
-- Watch minutes: Σ heartbeat watch_ms / 60000 of the group's events; of an
-- offer (heartbeats carry none), of the sessions in which it was shown or
-- clicked. Repeated on each currency row, like viewers.
-- Filters $retailer_id, $creator_id, $show_id, $region: '' means all.
-- requires: attributed_order_lines
WITH viewer_groups AS (
  -- One row per viewer of a group (cheaper than count(DISTINCT) twice over every event).
  SELECT retailer_id, {{group}}, viewer_id,
         max(CASE WHEN type = 'click_to_buy' THEN 1 ELSE 0 END) AS clicked,
         sum(CASE WHEN type = 'heartbeat' THEN coalesce(watch_ms, 0) ELSE 0 END) AS watch_ms
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
    -- An offer's viewers are those shown or clicking it (docs/spec.md §4); the literal comparison folds away.
    AND ('{{group}}' <> 'offer_id' OR (type IN ('product_impression', 'click_to_buy') AND offer_id IS NOT NULL))
  GROUP BY retailer_id, {{group}}, viewer_id
),
audience AS (
  SELECT retailer_id, {{group}},
         count(*) AS viewers,
         CAST(sum(clicked) AS BIGINT) AS clickers,
         sum(watch_ms) AS group_watch_ms
  FROM viewer_groups
  GROUP BY retailer_id, {{group}}
),
offer_sessions AS (
  -- Only for offers (the literal comparison folds away otherwise): the sessions it was shown or clicked in.
  SELECT DISTINCT retailer_id, {{group}}, session_id
  FROM events
  WHERE '{{group}}' = 'offer_id' AND type IN ('product_impression', 'click_to_buy') AND offer_id IS NOT NULL
    AND {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
),
session_watch AS (
  SELECT retailer_id, session_id, sum(watch_ms) AS watch_ms
  FROM events
  WHERE '{{group}}' = 'offer_id' AND type = 'heartbeat'
    AND {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
  GROUP BY retailer_id, session_id
),
offer_watch AS (
  SELECT o.retailer_id, o.{{group}}, sum(w.watch_ms) AS watch_ms
  FROM offer_sessions o
  JOIN session_watch w ON w.retailer_id = o.retailer_id AND w.session_id = o.session_id
  GROUP BY o.retailer_id, o.{{group}}
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
  coalesce(s.revenue, 0) / a.viewers AS revenue_per_viewer,
  (a.group_watch_ms + coalesce(w.watch_ms, 0)) / CAST(60000 AS DOUBLE) AS watch_minutes,
  (a.group_watch_ms + coalesce(w.watch_ms, 0)) / CAST(60000 AS DOUBLE) / a.viewers AS watch_minutes_per_viewer
FROM audience a
LEFT JOIN offer_watch w
  ON w.retailer_id = a.retailer_id AND w.{{group}} = a.{{group}}
LEFT JOIN sales s
  ON s.retailer_id = a.retailer_id AND s.{{group}} = a.{{group}}
ORDER BY a.retailer_id, a.{{group}}, s.currency NULLS FIRST
