-- experiment_assignments: one row per (retailer_id, viewer_id) seen in
-- experiment $experiment_id between $from_ms and $to_ms (docs/spec.md §4).
-- variant: the variant the viewer was seen in, by `exposure` events or in
-- the `experiments` map of any event; NULL for a viewer seen in more than
-- one. That is the variant of the viewer's first exposure (or first event
-- carrying the experiment), as docs/spec.md §4 says, for every viewer the
-- analysis keeps: a viewer seen in several variants is excluded, so which
-- came first is never needed (ordering the sightings was a third of this
-- query's time at 10M events).
-- exposed_at: the first time the viewer was seen in the experiment.
-- variants_seen: distinct variants the viewer was seen in; viewers with
-- more than one are excluded from the analysis and counted.
-- Filters $retailer_id, $creator_id, $show_id, $region: '' means all.
WITH sightings AS (
  SELECT retailer_id, viewer_id, event_time, variant
  FROM events
  WHERE type = 'exposure' AND experiment_id = $experiment_id AND variant IS NOT NULL
    AND {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
  UNION ALL
  -- Per viewer and distinct map first, then the variant extracted from each map: a viewer's
  -- events mostly carry the same map, so this parses a few rows per viewer instead of every
  -- event (JSON on every event was ~1/4 of this query at 10M events).
  SELECT retailer_id, viewer_id, event_time, variant
  FROM (
    SELECT retailer_id, viewer_id, first_seen_at AS event_time,
           json_extract_scalar(experiments, '$["' || $experiment_id || '"]') AS variant
    FROM (
      SELECT retailer_id, viewer_id, experiments, min(event_time) AS first_seen_at
      FROM events
      WHERE experiments IS NOT NULL
        AND {{in_period}}
        AND {{retailer_filter}}
        AND {{filters}}
      GROUP BY retailer_id, viewer_id, experiments
    ) maps
  ) mapped
  WHERE variant IS NOT NULL
),
-- Per variant first, then per viewer: the variants seen are the first GROUP BY's rows (no
-- count(DISTINCT)).
per_variant AS (
  SELECT retailer_id, viewer_id, variant, min(event_time) AS first_seen_at
  FROM sightings
  GROUP BY retailer_id, viewer_id, variant
)
SELECT
  retailer_id, viewer_id,
  CASE WHEN count(*) = 1 THEN min(variant) END AS variant,
  min(first_seen_at) AS exposed_at,
  count(*) AS variants_seen
FROM per_variant
GROUP BY retailer_id, viewer_id
