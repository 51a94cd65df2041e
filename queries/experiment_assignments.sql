-- experiment_assignments: one row per (retailer_id, viewer_id) seen in
-- experiment $experiment_id between $from_ms and $to_ms (docs/spec.md §4).
-- variant: the variant of the viewer's first `exposure` event for the
-- experiment, or, with no exposure event, of the first event carrying the
-- experiment in `experiments` (ties broken by event_id).
-- exposed_at: the first time the viewer was seen in the experiment.
-- variants_seen: distinct variants the viewer was seen in; viewers with
-- more than one are excluded from the analysis and counted.
-- Filters $retailer_id, $creator_id, $show_id, $region: '' means all.
WITH sightings AS (
  SELECT retailer_id, viewer_id, event_id, event_time, variant, 0 AS source_rank
  FROM events
  WHERE type = 'exposure' AND experiment_id = $experiment_id AND variant IS NOT NULL
    AND dt >= $from_dt AND dt <= $to_dt
    AND event_time >= $from_ms AND event_time < $to_ms
    AND ($retailer_id = '' OR retailer_id = $retailer_id)
    AND ($creator_id = '' OR creator_id = $creator_id)
    AND ($show_id = '' OR show_id = $show_id)
    AND ($region = '' OR region = $region)
  UNION ALL
  SELECT retailer_id, viewer_id, event_id, event_time,
         json_extract_scalar(experiments, '$["' || $experiment_id || '"]') AS variant, 1 AS source_rank
  FROM events
  WHERE experiments IS NOT NULL
    AND json_extract_scalar(experiments, '$["' || $experiment_id || '"]') IS NOT NULL
    AND dt >= $from_dt AND dt <= $to_dt
    AND event_time >= $from_ms AND event_time < $to_ms
    AND ($retailer_id = '' OR retailer_id = $retailer_id)
    AND ($creator_id = '' OR creator_id = $creator_id)
    AND ($show_id = '' OR show_id = $show_id)
    AND ($region = '' OR region = $region)
)
-- The preferred sighting's variant in the same aggregate (min_by over the ordering row), not
-- from a row_number() window over every sighting: that window was most of the experiment
-- report's time, and this query runs in each of its queries.
SELECT
  retailer_id, viewer_id,
  min_by(variant, ROW(source_rank, event_time, event_id)) AS variant,
  min(event_time) AS exposed_at,
  count(DISTINCT variant) AS variants_seen
FROM sightings
GROUP BY retailer_id, viewer_id
