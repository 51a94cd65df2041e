-- qoe_impact_pairs: one row per retailer, show and viewer (docs/spec.md §4b),
-- the viewer's sessions of that show pooled, with the pair's QoE buckets:
--   rebuffer_bucket  Σbuffer_ms / (Σwatch_ms + Σbuffer_ms): none (0), low (above 0,
--                    at most 1%), medium (above 1%, at most 3%), high (above 3%);
--                    NULL when the pair has no heartbeat and no buffer_end (nothing measured)
--   latency_bucket   median heartbeat latency_ms: <2s, 2-5s, 5-10s, >=10s (lower bounds inclusive)
--   startup_bucket   the first startup_ms by event_time: <1s, 1-2s, 2-5s, >=5s (lower bounds inclusive)
-- A bucket is NULL when the pair has no such measure. region: the region of
-- the pair's first startup, heartbeat or buffer_end; only pairs of $region
-- ('' = every region).
-- Ratios are compared multiplied out (100·buffer ≤ total) so 1% and 3% are exact.
WITH pair_measures AS (
  SELECT retailer_id, show_id, viewer_id,
         min_by(region, event_time) AS region,
         sum(watch_ms) FILTER (WHERE type = 'heartbeat') AS watch_ms,
         sum(buffer_ms) FILTER (WHERE type = 'buffer_end') AS buffer_ms,
         approx_percentile(CASE WHEN type = 'heartbeat' THEN latency_ms END, 0.5) AS latency_p50_ms,
         min_by(startup_ms, event_time) FILTER (WHERE type = 'startup' AND startup_ms IS NOT NULL) AS first_startup_ms
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND ($creator_id = '' OR creator_id = $creator_id)
    AND ($show_id = '' OR show_id = $show_id)
    -- Only the measured types (a pair without them is in no bucket): lake files
    -- are sorted by type, so other types' row groups are skipped.
    AND type IN ('startup', 'heartbeat', 'buffer_end')
  GROUP BY retailer_id, show_id, viewer_id
),
pooled AS (
  SELECT retailer_id, show_id, viewer_id, region, latency_p50_ms, first_startup_ms,
         coalesce(buffer_ms, 0) AS buffer_ms,
         coalesce(watch_ms, 0) + coalesce(buffer_ms, 0) AS total_ms,
         watch_ms IS NOT NULL OR buffer_ms IS NOT NULL AS measured
  FROM pair_measures
  WHERE $region = '' OR region = $region
)
SELECT
  retailer_id, region, show_id, viewer_id,
  CASE
    WHEN NOT measured THEN NULL
    WHEN buffer_ms = 0 THEN 'none'
    WHEN 100 * buffer_ms <= total_ms THEN 'low'
    WHEN 100 * buffer_ms <= 3 * total_ms THEN 'medium'
    ELSE 'high'
  END AS rebuffer_bucket,
  CASE
    WHEN latency_p50_ms IS NULL THEN NULL
    WHEN latency_p50_ms < 2000 THEN '<2s'
    WHEN latency_p50_ms < 5000 THEN '2-5s'
    WHEN latency_p50_ms < 10000 THEN '5-10s'
    ELSE '>=10s'
  END AS latency_bucket,
  CASE
    WHEN first_startup_ms IS NULL THEN NULL
    WHEN first_startup_ms < 1000 THEN '<1s'
    WHEN first_startup_ms < 2000 THEN '1-2s'
    WHEN first_startup_ms < 5000 THEN '2-5s'
    ELSE '>=5s'
  END AS startup_bucket
FROM pooled
