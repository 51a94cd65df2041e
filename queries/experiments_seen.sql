-- experiments_seen: the experiments seen in exposure events between
-- $from_ms and $to_ms (docs/spec.md §8, GET /api/v1/experiments), per
-- retailer, experiment and variant: exposed = distinct viewers with an
-- exposure to that variant. $retailer_id, $creator_id, $show_id and
-- $region = '' mean no filter.
SELECT retailer_id, experiment_id, variant, count(DISTINCT viewer_id) AS exposed
FROM events
WHERE type = 'exposure' AND experiment_id IS NOT NULL AND variant IS NOT NULL
  AND dt >= $from_dt AND dt <= $to_dt
  AND event_time >= $from_ms AND event_time < $to_ms
  AND ($retailer_id = '' OR retailer_id = $retailer_id)
  AND ($creator_id = '' OR creator_id = $creator_id)
  AND ($show_id = '' OR show_id = $show_id)
  AND ($region = '' OR region = $region)
GROUP BY retailer_id, experiment_id, variant
ORDER BY retailer_id, experiment_id, variant
