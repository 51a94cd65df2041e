-- qoe_by_group: quality of experience per retailer and group (docs/spec.md §4),
-- over events in [$from_ms, $to_ms). {{group}} is the group column, substituted
-- by the loader from the whitelist beside the report definitions
-- (pipeline/reports/definitions.ts: region, show_id, device); values are
-- always bound parameters. Percentiles are linear-interpolated on DuckDB
-- (quantile_cont) and within approx_percentile's error on Athena.
--   rebuffer_pct          100 * sum(buffer_ms) / (sum(watch_ms) + sum(buffer_ms))
--   rebuffers_per_minute  count(buffer_end) / (sum(watch_ms) / 60000)
--   playback_failure_pct  100 * sessions with a fatal error / sessions
--   ebvs_pct              100 * sessions with neither a startup nor a fatal error / sessions
--                         (exits before video start)
-- Filters $retailer_id, $creator_id, $show_id, $region: '' means all.
WITH session_viewers AS (
  -- One row per (session, viewer) of a group, so the distinct counts below
  -- run over sessions rather than every event (count(DISTINCT) over every
  -- event was most of this report's time at 10M events).
  SELECT retailer_id, {{group}}, session_id, viewer_id,
         -- The session's outcome in one aggregate: 2 a fatal error, 1 a startup (and no fatal
         -- error), 0 neither (an exit before video start). Two flags cost a second aggregate (~5%).
         max(CASE WHEN type = 'error' AND fatal THEN 2 WHEN type = 'startup' THEN 1 ELSE 0 END) AS outcome
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
  GROUP BY retailer_id, {{group}}, session_id, viewer_id
),
audience AS (
  SELECT retailer_id, {{group}},
         count(DISTINCT session_id) AS sessions,
         count(DISTINCT viewer_id) AS viewers,
         count(DISTINCT session_id) FILTER (WHERE outcome = 2) AS failed_sessions,
         count(DISTINCT session_id) FILTER (WHERE outcome = 0) AS exited_sessions
  FROM session_viewers
  GROUP BY retailer_id, {{group}}
),
totals AS (
  -- One percentile call per column with every fraction (one sort, not one per fraction).
  -- A group without these types is absent here: the LEFT JOIN below gives it NULL
  -- percentiles and zero watch, buffer and rebuffers, as an unfiltered pass would.
  SELECT
    retailer_id, {{group}},
    approx_percentile(CASE WHEN type = 'startup' THEN startup_ms END, ARRAY[0.5, 0.95]) AS startup_pcts,
    sum(watch_ms) FILTER (WHERE type = 'heartbeat') AS watch_ms,
    sum(buffer_ms) FILTER (WHERE type = 'buffer_end') AS buffer_ms,
    count(*) FILTER (WHERE type = 'buffer_end') AS rebuffers,
    approx_percentile(CASE WHEN type = 'heartbeat' THEN latency_ms END, ARRAY[0.5, 0.95, 0.99]) AS latency_pcts
  FROM events
  WHERE {{in_period}}
    AND {{retailer_filter}}
    AND {{filters}}
    -- Only the types measured here: lake files are sorted by type, so other types' row groups are skipped.
    AND type IN ('startup', 'heartbeat', 'buffer_end')
  GROUP BY retailer_id, {{group}}
)
SELECT
  a.retailer_id, a.{{group}}, a.sessions, a.viewers,
  t.startup_pcts[1] AS startup_p50_ms, t.startup_pcts[2] AS startup_p95_ms,
  100 * coalesce(t.buffer_ms, 0) / nullif(coalesce(t.watch_ms, 0) + coalesce(t.buffer_ms, 0), 0) AS rebuffer_pct,
  CAST(coalesce(t.rebuffers, 0) AS DOUBLE) / nullif(coalesce(t.watch_ms, 0) / 60000, 0) AS rebuffers_per_minute,
  t.latency_pcts[1] AS latency_p50_ms, t.latency_pcts[2] AS latency_p95_ms, t.latency_pcts[3] AS latency_p99_ms,
  100 * CAST(a.failed_sessions AS DOUBLE) / a.sessions AS playback_failure_pct,
  100 * CAST(a.exited_sessions AS DOUBLE) / a.sessions AS ebvs_pct
FROM audience a
LEFT JOIN totals t
  ON t.retailer_id IS NOT DISTINCT FROM a.retailer_id AND t.{{group}} IS NOT DISTINCT FROM a.{{group}}
ORDER BY a.retailer_id, a.{{group}}
