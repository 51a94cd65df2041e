-- audience_by_creator: per retailer and creator (docs/spec.md §4b): viewers
-- (distinct viewer_id with any event of the creator), returning_viewers
-- (viewers of two or more distinct shows of the creator), returning_share,
-- buyers (viewers with an order line attributed to a click of theirs in a
-- show of the creator), and the conversion of returning and of one-show
-- ("new") viewers: conversion_rate_returning, conversion_rate_new (NULL when
-- the group is empty).
-- requires: attributed_order_lines
WITH viewer_shows AS (
  -- Two or more distinct shows exactly when the least and greatest show_id differ:
  -- min and max are far cheaper per event than count(DISTINCT show_id).
  SELECT retailer_id, creator_id, viewer_id, coalesce(min(show_id) < max(show_id), false) AS is_returning
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
  GROUP BY retailer_id, creator_id, viewer_id
),
creator_buyers AS (
  SELECT DISTINCT retailer_id, creator_id, viewer_id
  FROM attributed_order_lines
  WHERE attribution IS NOT NULL
),
scored AS (
  SELECT v.retailer_id, v.creator_id, v.is_returning, b.viewer_id IS NOT NULL AS bought
  FROM viewer_shows v
  LEFT JOIN creator_buyers b
    ON b.retailer_id = v.retailer_id AND b.creator_id IS NOT DISTINCT FROM v.creator_id AND b.viewer_id = v.viewer_id
),
counts AS (
  SELECT retailer_id, creator_id,
         count(*) AS viewers,
         count(*) FILTER (WHERE bought) AS buyers,
         count(*) FILTER (WHERE is_returning) AS returning_viewers,
         count(*) FILTER (WHERE is_returning AND bought) AS returning_buyers,
         count(*) FILTER (WHERE NOT is_returning) AS new_viewers,
         count(*) FILTER (WHERE NOT is_returning AND bought) AS new_buyers
  FROM scored
  GROUP BY retailer_id, creator_id
)
SELECT retailer_id, creator_id, viewers, buyers,
       CAST(buyers AS DOUBLE) / viewers AS conversion_rate,
       returning_viewers,
       CAST(returning_viewers AS DOUBLE) / viewers AS returning_share,
       returning_buyers,
       CAST(returning_buyers AS DOUBLE) / nullif(returning_viewers, 0) AS conversion_rate_returning,
       new_viewers, new_buyers,
       CAST(new_buyers AS DOUBLE) / nullif(new_viewers, 0) AS conversion_rate_new
FROM counts
ORDER BY retailer_id, creator_id
