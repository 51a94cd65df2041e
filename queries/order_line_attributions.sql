-- order_line_attributions: the attribution rule (docs/spec.md §4), written
-- once: one row per order line of attribution_lines that a click of
-- attribution_clicks takes, with that click:
--   1. the click with the same click_id, when the order's ts is at or after
--      the click's event_time and at most $window_ms after it; else
--   2. the latest click by the same user_id on the same product_id at or
--      before the order's ts, within $window_ms
-- (among equals, the least click event_id). No report filter is applied
-- here: a filter keeps the lines whose click is of its creator, show or
-- region, after attribution, so a filter never moves a line to another
-- click; readers filter creator_id, show_id and region.
-- The chosen click's time, viewer, creator, show and region and the line's
-- currency and revenue come through the one GROUP BY that chooses (min_by
-- by the rule's order), so a reader needing only those joins nothing back:
-- joining every line and click back was ~1/10 of the experiment report at
-- 10M events. attributed_order_lines adds the unattributed lines and the
-- click's other columns.
-- requires: attribution_clicks, attribution_lines
WITH candidates AS (
  SELECT l.retailer_id, l.order_id, l.product_id, l.currency, l.revenue, 1 AS rule_rank,
         c.event_id AS click_event_id, c.event_time AS click_time,
         c.viewer_id, c.creator_id, c.show_id, c.region
  FROM attribution_lines l
  JOIN attribution_clicks c
    ON c.retailer_id = l.retailer_id AND c.click_id = l.click_id
  WHERE l.ts >= c.event_time AND l.ts - c.event_time <= $window_ms
  UNION ALL
  SELECT l.retailer_id, l.order_id, l.product_id, l.currency, l.revenue, 2 AS rule_rank,
         c.event_id AS click_event_id, c.event_time AS click_time,
         c.viewer_id, c.creator_id, c.show_id, c.region
  FROM attribution_lines l
  JOIN attribution_clicks c
    ON c.retailer_id = l.retailer_id AND c.user_id = l.user_id AND c.product_id = l.product_id
  WHERE l.ts >= c.event_time AND l.ts - c.event_time <= $window_ms
)
-- The preferred candidate per line in one GROUP BY: its rule is the least rule_rank, and its
-- click the one min_by picks by the whole preference (rule, latest click, click event id: unique
-- per candidate). A row_number() window over every candidate cost ~1/8 of a report at 10M events.
SELECT retailer_id, order_id, product_id,
       min(rule_rank) AS rule_rank,
       min_by(click_event_id, preference) AS click_event_id,
       min_by(click_time, preference) AS click_time,
       min_by(viewer_id, preference) AS viewer_id,
       min_by(creator_id, preference) AS creator_id,
       min_by(show_id, preference) AS show_id,
       min_by(region, preference) AS region,
       -- One value per line (the group is the line): its currency and revenue.
       min(currency) AS currency,
       min(revenue) AS revenue
FROM (
  SELECT candidates.*, ROW(rule_rank, -click_time, click_event_id) AS preference
  FROM candidates
) ranked
GROUP BY retailer_id, order_id, product_id
