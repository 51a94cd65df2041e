-- qoe_by_device: quality of experience per retailer and device class (SPEC section 4),
-- over events in [$from_ms, $to_ms). Percentiles are linear-interpolated on
-- DuckDB (quantile_cont) and within approx_percentile's error on Athena.
--   rebuffer_pct          100 * sum(buffer_ms) / (sum(watch_ms) + sum(buffer_ms))
--   rebuffers_per_minute  count(buffer_end) / (sum(watch_ms) / 60000)
--   playback_failure_pct  100 * sessions with a fatal error / sessions
-- $retailer_id = '' means every retailer.
WITH scoped AS (
  SELECT retailer_id, device, session_id, viewer_id, type,
         startup_ms, watch_ms, buffer_ms, latency_ms, fatal
  FROM events
  WHERE event_time >= $from_ms AND event_time < $to_ms
    AND ($retailer_id = '' OR retailer_id = $retailer_id)
),
totals AS (
  SELECT
    retailer_id, device,
    count(DISTINCT session_id) AS sessions,
    count(DISTINCT viewer_id) AS viewers,
    approx_percentile(CASE WHEN type = 'startup' THEN startup_ms END, 0.5) AS startup_p50_ms,
    approx_percentile(CASE WHEN type = 'startup' THEN startup_ms END, 0.95) AS startup_p95_ms,
    coalesce(sum(watch_ms) FILTER (WHERE type = 'heartbeat'), 0) AS watch_ms,
    coalesce(sum(buffer_ms) FILTER (WHERE type = 'buffer_end'), 0) AS buffer_ms,
    count(*) FILTER (WHERE type = 'buffer_end') AS rebuffers,
    approx_percentile(CASE WHEN type = 'heartbeat' THEN latency_ms END, 0.5) AS latency_p50_ms,
    approx_percentile(CASE WHEN type = 'heartbeat' THEN latency_ms END, 0.95) AS latency_p95_ms,
    approx_percentile(CASE WHEN type = 'heartbeat' THEN latency_ms END, 0.99) AS latency_p99_ms,
    count(DISTINCT session_id) FILTER (WHERE type = 'error' AND fatal) AS failed_sessions
  FROM scoped
  GROUP BY retailer_id, device
)
SELECT
  retailer_id, device, sessions, viewers,
  startup_p50_ms, startup_p95_ms,
  100 * buffer_ms / nullif(watch_ms + buffer_ms, 0) AS rebuffer_pct,
  CAST(rebuffers AS DOUBLE) / nullif(watch_ms / 60000, 0) AS rebuffers_per_minute,
  latency_p50_ms, latency_p95_ms, latency_p99_ms,
  100 * CAST(failed_sessions AS DOUBLE) / sessions AS playback_failure_pct
FROM totals
ORDER BY retailer_id, device
