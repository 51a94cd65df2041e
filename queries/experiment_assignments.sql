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
  -- The map's variant extracted once per event (the filter reads the projected column).
  SELECT retailer_id, viewer_id, event_id, event_time, variant, 1 AS source_rank
  FROM (
    SELECT retailer_id, viewer_id, event_id, event_time,
           json_extract_scalar(experiments, '$["' || $experiment_id || '"]') AS variant
    FROM events
    WHERE experiments IS NOT NULL
      AND dt >= $from_dt AND dt <= $to_dt
      AND event_time >= $from_ms AND event_time < $to_ms
      AND ($retailer_id = '' OR retailer_id = $retailer_id)
      AND ($creator_id = '' OR creator_id = $creator_id)
      AND ($show_id = '' OR show_id = $show_id)
      AND ($region = '' OR region = $region)
  ) mapped
  WHERE variant IS NOT NULL
),
-- Per variant first, then per viewer: the variants seen are the first GROUP BY's rows (no
-- count(DISTINCT)), and the first sighting's variant is the one whose first sighting comes
-- first (min_by over ~1 row per viewer, not over every sighting; no row_number() window).
per_variant AS (
  SELECT retailer_id, viewer_id, variant,
         min(ROW(source_rank, event_time, event_id)) AS first_sighting,
         min(event_time) AS first_seen_at
  FROM sightings
  GROUP BY retailer_id, viewer_id, variant
)
SELECT
  retailer_id, viewer_id,
  min_by(variant, first_sighting) AS variant,
  min(first_seen_at) AS exposed_at,
  count(*) AS variants_seen
FROM per_variant
GROUP BY retailer_id, viewer_id
