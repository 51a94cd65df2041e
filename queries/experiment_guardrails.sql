-- experiment_guardrails: per variant of viewer-level experiment $experiment_id,
-- the QoE guardrails of docs/spec.md §4 as ratio metrics over viewers, with
-- the sufficient statistics of section 6 (n viewers; sum, sum_squares of the
-- numerator; denominator_sum, denominator_sum_squares,
-- main_denominator_sum_product). Per viewer, over the playback sessions of
-- their events from exposure up to $to_ms (0–100 scale):
--   rebuffer_pct          100 × Σ buffer_ms  /  Σ watch_ms + Σ buffer_ms
--   playback_failure_pct  100 × sessions with a fatal error  /  sessions
--   ebvs_pct              100 × sessions with neither startup nor fatal error  /  sessions
-- Viewers seen in several variants, or of a variant not in $variants
-- (',a,b,'; '' = any), are left out. retailer_id: per retailer with
-- $by_retailer = 1 (each apart); with 0, '' (every retailer together).
-- requires: experiment_units, experiment_unit_sessions
-- A viewer's sessions with an event from exposure (experiment_unit_sessions reads the events).
WITH playback AS (
  SELECT retailer_id, viewer_id, session_id, buffer_ms, session_watch_ms AS watch_ms, started, failed
  FROM experiment_unit_sessions
  WHERE session_id IS NOT NULL AND exposed_events > 0
),
per_viewer AS (
  SELECT u.part, u.variant,
         CAST(coalesce(sum(p.buffer_ms), 0) AS DOUBLE) AS buffer_ms,
         CAST(coalesce(sum(p.watch_ms), 0) AS DOUBLE) AS watch_ms,
         CAST(count(p.session_id) AS DOUBLE) AS sessions,
         CAST(count(p.session_id) FILTER (WHERE p.failed) AS DOUBLE) AS failed,
         CAST(count(p.session_id) FILTER (WHERE NOT p.started AND NOT p.failed) AS DOUBLE) AS ebvs
  FROM experiment_units u
  LEFT JOIN playback p ON p.retailer_id = u.retailer_id AND p.viewer_id = u.viewer_id
  GROUP BY u.retailer_id, u.viewer_id, u.part, u.variant
),
ratios AS (
  SELECT v.part, v.variant, g.metric,
         100 * CASE g.metric WHEN 'rebuffer_pct' THEN v.buffer_ms WHEN 'playback_failure_pct' THEN v.failed ELSE v.ebvs END AS value,
         CASE g.metric WHEN 'rebuffer_pct' THEN v.watch_ms + v.buffer_ms ELSE v.sessions END AS denominator
  FROM per_viewer v
  CROSS JOIN (VALUES ('rebuffer_pct'), ('playback_failure_pct'), ('ebvs_pct')) AS g (metric)
)
SELECT
  part AS retailer_id, variant, metric, CAST(NULL AS VARCHAR) AS currency,
  count(*) AS n,
  sum(value) AS sum,
  sum(value * value) AS sum_squares,
  sum(denominator) AS denominator_sum,
  sum(denominator * denominator) AS denominator_sum_squares,
  sum(value * denominator) AS main_denominator_sum_product
FROM ratios
GROUP BY part, variant, metric
ORDER BY part, metric, variant
