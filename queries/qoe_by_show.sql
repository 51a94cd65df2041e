-- qoe_by_show: quality of experience per retailer and show (SPEC section 4),
-- over events in [$from_ms, $to_ms). Percentiles are linear-interpolated on
-- DuckDB (quantile_cont) and within approx_percentile's error on Athena.
--   rebuffer_pct          100 * sum(buffer_ms) / (sum(watch_ms) + sum(buffer_ms))
--   rebuffers_per_minute  count(buffer_end) / (sum(watch_ms) / 60000)
--   playback_failure_pct  100 * sessions with a fatal error / sessions
-- $retailer_id = '' means every retailer.
WITH scoped AS (
  SELECT retailer_id, show_id, session_id, viewer_id, type,
         startup_ms, watch_ms, buffer_ms, latency_ms, fatal
  FROM events
  WHERE event_time >= $from_ms AND event_time < $to_ms
    AND ($retailer_id = '' OR retailer_id = $retailer_id)
),
session_viewers AS (
  -- One row per (session, viewer) of a group, so the distinct counts below
  -- run over sessions rather than every event (count(DISTINCT) over every
  -- event was most of this report's time at 10M events).
  SELECT retailer_id, show_id, session_id, viewer_id,
         count(*) FILTER (WHERE type = 'error' AND fatal) > 0 AS failed
  FROM scoped
  GROUP BY retailer_id, show_id, session_id, viewer_id
),
audience AS (
  SELECT retailer_id, show_id,
         count(DISTINCT session_id) AS sessions,
         count(DISTINCT viewer_id) AS viewers,
         count(DISTINCT session_id) FILTER (WHERE failed) AS failed_sessions
  FROM session_viewers
  GROUP BY retailer_id, show_id
),
totals AS (
  -- One percentile call per column with every fraction (one sort, not one per fraction).
  SELECT
    retailer_id, show_id,
    approx_percentile(CASE WHEN type = 'startup' THEN startup_ms END, ARRAY[0.5, 0.95]) AS startup_pcts,
    coalesce(sum(watch_ms) FILTER (WHERE type = 'heartbeat'), 0) AS watch_ms,
    coalesce(sum(buffer_ms) FILTER (WHERE type = 'buffer_end'), 0) AS buffer_ms,
    count(*) FILTER (WHERE type = 'buffer_end') AS rebuffers,
    approx_percentile(CASE WHEN type = 'heartbeat' THEN latency_ms END, ARRAY[0.5, 0.95, 0.99]) AS latency_pcts
  FROM scoped
  GROUP BY retailer_id, show_id
)
SELECT
  t.retailer_id, t.show_id, a.sessions, a.viewers,
  t.startup_pcts[1] AS startup_p50_ms, t.startup_pcts[2] AS startup_p95_ms,
  100 * t.buffer_ms / nullif(t.watch_ms + t.buffer_ms, 0) AS rebuffer_pct,
  CAST(t.rebuffers AS DOUBLE) / nullif(t.watch_ms / 60000, 0) AS rebuffers_per_minute,
  t.latency_pcts[1] AS latency_p50_ms, t.latency_pcts[2] AS latency_p95_ms, t.latency_pcts[3] AS latency_p99_ms,
  100 * CAST(a.failed_sessions AS DOUBLE) / a.sessions AS playback_failure_pct
FROM totals t
JOIN audience a
  ON a.retailer_id = t.retailer_id AND a.show_id IS NOT DISTINCT FROM t.show_id
ORDER BY t.retailer_id, t.show_id
