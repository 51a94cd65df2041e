-- experiment_show_assignments: one row per (retailer_id, show_id) of
-- show-level experiment $experiment_id (docs/spec.md §4) with an event in
-- [$from_ms, $to_ms) naming the experiment: its `exposure` events and the
-- `experiments` maps of its events. variant: the show's variant when every
-- sighting agrees; variants_seen: distinct variants seen, a show with more
-- than one is excluded from the analysis and counted.
-- Filters $retailer_id, $creator_id, $show_id, $region ('' means all)
-- choose the shows; $region also limits the events counted per show.
WITH show_sightings AS (
  SELECT retailer_id, show_id, variant
  FROM events
  WHERE type = 'exposure' AND experiment_id = $experiment_id
    AND variant IS NOT NULL AND show_id IS NOT NULL
    AND {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
  UNION ALL
  -- Per show and distinct map first, then the variant parsed from each map, as
  -- experiment_assignments does per viewer: a few parses per show, not one per event.
  SELECT retailer_id, show_id, variant
  FROM (
    SELECT retailer_id, show_id,
           json_extract_scalar(experiments, '$["' || $experiment_id || '"]') AS variant
    FROM (
      SELECT DISTINCT retailer_id, show_id, experiments
      FROM events
      WHERE experiments IS NOT NULL AND show_id IS NOT NULL
        AND {{in_period}}
        AND {{retailer_filter}}
        AND {{filters}}
    ) maps
  ) mapped
  WHERE variant IS NOT NULL
)
SELECT retailer_id, show_id, min(variant) AS variant, count(DISTINCT variant) AS variants_seen
FROM show_sightings
GROUP BY retailer_id, show_id
