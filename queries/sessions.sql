-- sessions: one row per playback session with an event in [$from_ms, $to_ms):
-- watch time, first startup time, rebuffers, live latency, errors and
-- whether a fatal error ended playback. Filters $retailer_id, $creator_id,
-- $show_id, $region: '' means all.
WITH scoped AS (
  SELECT retailer_id, session_id, viewer_id, show_id, creator_id, region, device,
         type, event_time, startup_ms, watch_ms, buffer_ms, latency_ms, fatal
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
)
SELECT
  retailer_id, session_id,
  arbitrary(viewer_id) AS viewer_id,
  arbitrary(show_id) AS show_id,
  arbitrary(creator_id) AS creator_id,
  arbitrary(region) AS region,
  arbitrary(device) AS device,
  min(event_time) AS started_at,
  max(event_time) AS last_event_at,
  coalesce(sum(watch_ms), 0) AS watch_ms,
  min_by(startup_ms, event_time) FILTER (WHERE type = 'startup') AS startup_ms,
  count(*) FILTER (WHERE type = 'buffer_end') AS rebuffers,
  coalesce(sum(buffer_ms), 0) AS rebuffer_ms,
  approx_percentile(latency_ms, 0.5) AS latency_p50_ms,
  count(*) FILTER (WHERE type = 'error') AS errors,
  count(*) FILTER (WHERE type = 'error' AND fatal) > 0 AS fatal_failure
FROM scoped
GROUP BY retailer_id, session_id
ORDER BY retailer_id, session_id
