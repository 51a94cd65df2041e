-- show_timeline: per retailer and minute of event_time of show $show_id
-- (docs/spec.md §4b). minute: epoch ms of the minute's start.
--   concurrent_viewers   distinct viewers with a heartbeat in the minute
--   chat_messages, product_impressions, clicks   events of those types
--   revenue              attributed order line revenue, by the minute of the click it is attributed to
--   product_cues         product_ids first shown (first product_impression) in that minute, comma-separated; NULL when none
-- One row per currency of the minute's attributed lines (counts repeated); a
-- minute with none gets one row, currency NULL.
-- requires: attributed_order_lines
WITH show_events AS (
  SELECT retailer_id, event_time - event_time % 60000 AS minute, type, viewer_id, product_id
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND show_id = $show_id
    AND ($creator_id = '' OR creator_id = $creator_id)
    AND ($region = '' OR region = $region)
),
per_minute AS (
  SELECT retailer_id, minute,
         count(DISTINCT viewer_id) FILTER (WHERE type = 'heartbeat') AS concurrent_viewers,
         count(*) FILTER (WHERE type = 'chat_message') AS chat_messages,
         count(*) FILTER (WHERE type = 'product_impression') AS product_impressions,
         count(*) FILTER (WHERE type = 'click_to_buy') AS clicks
  FROM show_events
  GROUP BY retailer_id, minute
),
cues AS (
  -- A product's cue: the minute its card was first shown in the show.
  SELECT retailer_id, product_id, min(minute) AS minute
  FROM show_events
  WHERE type = 'product_impression' AND product_id IS NOT NULL
  GROUP BY retailer_id, product_id
),
cue_minutes AS (
  SELECT retailer_id, minute, array_join(array_agg(product_id ORDER BY product_id), ',') AS product_cues
  FROM cues
  GROUP BY retailer_id, minute
),
sales AS (
  SELECT retailer_id, click_time - click_time % 60000 AS minute, currency,
         round(sum(revenue), 6) AS revenue
  FROM attributed_order_lines
  WHERE attribution IS NOT NULL AND show_id = $show_id
  GROUP BY retailer_id, click_time - click_time % 60000, currency
)
SELECT p.retailer_id, $show_id AS show_id, p.minute,
       p.concurrent_viewers, p.chat_messages, p.product_impressions, p.clicks,
       s.currency, coalesce(s.revenue, 0) AS revenue,
       c.product_cues
FROM per_minute p
LEFT JOIN sales s ON s.retailer_id = p.retailer_id AND s.minute = p.minute
LEFT JOIN cue_minutes c ON c.retailer_id = p.retailer_id AND c.minute = p.minute
ORDER BY p.retailer_id, p.minute, s.currency NULLS FIRST
