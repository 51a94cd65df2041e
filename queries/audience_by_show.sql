-- audience_by_show: per retailer and show (docs/spec.md §4b): viewers,
-- returning_viewers (viewers who had watched the show's creator before: their
-- first event in another show of the creator is earlier than their first
-- event in this one), returning_share, buyers (viewers with an order line
-- attributed to a click of theirs in this show), and the conversion of
-- returning and of new viewers (conversion_rate_returning,
-- conversion_rate_new; NULL when the group is empty). Only what the report
-- period and the creator and region filters hold counts as "before"; the
-- show filter ($show_id) picks the rows, so other shows still count as before.
-- requires: attributed_order_lines
WITH viewer_show_start AS (
  SELECT retailer_id, creator_id, show_id, viewer_id, min(event_time) AS first_seen
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND ($creator_id = '' OR creator_id = $creator_id)
    AND ($region = '' OR region = $region)
  GROUP BY retailer_id, creator_id, show_id, viewer_id
),
with_creator_start AS (
  SELECT retailer_id, creator_id, show_id, viewer_id, first_seen,
         min(first_seen) OVER (PARTITION BY retailer_id, creator_id, viewer_id) AS creator_first_seen
  FROM viewer_show_start
),
show_buyers AS (
  SELECT DISTINCT retailer_id, show_id, viewer_id
  FROM attributed_order_lines
  WHERE attribution IS NOT NULL
),
scored AS (
  SELECT s.retailer_id, s.show_id, s.creator_id,
         s.first_seen > s.creator_first_seen AS is_returning,
         b.viewer_id IS NOT NULL AS bought
  FROM with_creator_start s
  LEFT JOIN show_buyers b
    ON b.retailer_id = s.retailer_id AND b.show_id IS NOT DISTINCT FROM s.show_id AND b.viewer_id = s.viewer_id
),
counts AS (
  SELECT retailer_id, show_id, creator_id,
         count(*) AS viewers,
         count(*) FILTER (WHERE bought) AS buyers,
         count(*) FILTER (WHERE is_returning) AS returning_viewers,
         count(*) FILTER (WHERE is_returning AND bought) AS returning_buyers,
         count(*) FILTER (WHERE NOT is_returning) AS new_viewers,
         count(*) FILTER (WHERE NOT is_returning AND bought) AS new_buyers
  FROM scored
  WHERE $show_id = '' OR show_id = $show_id
  GROUP BY retailer_id, show_id, creator_id
)
SELECT retailer_id, show_id, creator_id, viewers, buyers,
       CAST(buyers AS DOUBLE) / viewers AS conversion_rate,
       returning_viewers,
       CAST(returning_viewers AS DOUBLE) / viewers AS returning_share,
       returning_buyers,
       CAST(returning_buyers AS DOUBLE) / nullif(returning_viewers, 0) AS conversion_rate_returning,
       new_viewers, new_buyers,
       CAST(new_buyers AS DOUBLE) / nullif(new_viewers, 0) AS conversion_rate_new
FROM counts
ORDER BY retailer_id, show_id, creator_id
