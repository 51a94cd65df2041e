-- experiments_seen: the experiments seen in exposure events between
-- $from_ms and $to_ms (docs/spec.md §8, GET /api/v1/experiments), per
-- retailer, experiment and variant: exposed = distinct viewers with an
-- exposure to that variant. $retailer_id, $creator_id, $show_id and
-- $region = '' mean no filter.
SELECT retailer_id, experiment_id, variant, count(DISTINCT viewer_id) AS exposed
FROM events
WHERE type = 'exposure' AND experiment_id IS NOT NULL AND variant IS NOT NULL
  AND {{in_period}}
  AND {{retailer_filter}}
  AND {{filters}}
GROUP BY retailer_id, experiment_id, variant
ORDER BY retailer_id, experiment_id, variant
