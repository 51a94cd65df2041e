-- experiment_show_metrics: per variant and metric of show-level experiment
-- $experiment_id (docs/spec.md §§4 and 6), the sufficient statistics of a
-- ratio metric over shows: n (shows); sum, sum_squares of the per-show
-- numerator; denominator_sum, denominator_sum_squares and
-- main_denominator_sum_product of its denominator; viewers (Σ over shows:
-- a viewer of several shows counts in each). All of a show's events in
-- [$from_ms, $to_ms) count; an order line counts for the show of its click.
--   metric                numerator per show                       denominator
--   converted             buyers (distinct viewers with a line)    viewers
--   revenue               Σ quantity × unit_price, per currency    viewers
--   watch_minutes         Σ heartbeat watch_ms / 60000             viewers
--   clicks                click_to_buy events                      viewers
--   rebuffer_pct          100 × Σ buffer_ms                        Σ watch_ms + Σ buffer_ms
--   playback_failure_pct  100 × sessions with a fatal error        sessions
--   ebvs_pct              100 × sessions with neither startup nor fatal error   sessions
-- Revenue has one row per currency (a show without it contributes 0), or
-- one row with currency NULL when no line is attributed. Shows seen in
-- several variants, or of a variant not in $variants (',a,b,'; '' = any),
-- are left out.
-- requires: experiment_show_assignments, attributed_order_lines
WITH units AS (
  SELECT retailer_id, show_id, variant
  FROM experiment_show_assignments
  WHERE variants_seen = 1
    AND ($variants = '' OR strpos($variants, ',' || variant || ',') > 0)
),
show_activity AS (
  SELECT u.retailer_id, u.show_id,
         count(DISTINCT e.viewer_id) AS viewers,
         coalesce(sum(e.watch_ms) FILTER (WHERE e.type = 'heartbeat'), 0) AS watch_ms,
         coalesce(sum(e.buffer_ms) FILTER (WHERE e.type = 'buffer_end'), 0) AS buffer_ms,
         count(*) FILTER (WHERE e.type = 'click_to_buy') AS clicks
  FROM units u
  JOIN events e
    ON e.retailer_id = u.retailer_id AND e.show_id = u.show_id
   AND {{in_period e}} AND ($region = '' OR e.region = $region)
  GROUP BY u.retailer_id, u.show_id
),
show_sessions AS (
  SELECT e.retailer_id, e.show_id, e.session_id,
         count(*) FILTER (WHERE e.type = 'startup') > 0 AS started,
         count(*) FILTER (WHERE e.type = 'error' AND e.fatal) > 0 AS failed
  FROM units u
  JOIN events e
    ON e.retailer_id = u.retailer_id AND e.show_id = u.show_id
   AND {{in_period e}} AND ($region = '' OR e.region = $region)
  WHERE e.session_id IS NOT NULL
  GROUP BY e.retailer_id, e.show_id, e.session_id
),
show_lines AS (
  SELECT l.retailer_id, l.show_id, l.currency, l.viewer_id, l.revenue
  FROM attributed_order_lines l
  JOIN units u ON u.retailer_id = l.retailer_id AND u.show_id = l.show_id
),
show_buyers AS (
  SELECT retailer_id, show_id, count(DISTINCT viewer_id) AS buyers
  FROM show_lines
  GROUP BY retailer_id, show_id
),
show_revenue AS (
  SELECT retailer_id, show_id, currency, sum(revenue) AS revenue
  FROM show_lines
  GROUP BY retailer_id, show_id, currency
),
per_show AS (
  SELECT u.retailer_id, u.show_id, u.variant,
         CAST(coalesce(a.viewers, 0) AS DOUBLE) AS viewers,
         CAST(coalesce(b.buyers, 0) AS DOUBLE) AS buyers,
         CAST(coalesce(a.watch_ms, 0) AS DOUBLE) AS watch_ms,
         CAST(coalesce(a.buffer_ms, 0) AS DOUBLE) AS buffer_ms,
         CAST(coalesce(a.clicks, 0) AS DOUBLE) AS clicks,
         CAST(count(s.session_id) AS DOUBLE) AS sessions,
         CAST(count(s.session_id) FILTER (WHERE s.failed) AS DOUBLE) AS failed,
         CAST(count(s.session_id) FILTER (WHERE NOT s.started AND NOT s.failed) AS DOUBLE) AS ebvs
  FROM units u
  LEFT JOIN show_activity a ON a.retailer_id = u.retailer_id AND a.show_id = u.show_id
  LEFT JOIN show_buyers b ON b.retailer_id = u.retailer_id AND b.show_id = u.show_id
  LEFT JOIN show_sessions s ON s.retailer_id = u.retailer_id AND s.show_id = u.show_id
  GROUP BY u.retailer_id, u.show_id, u.variant, a.viewers, b.buyers, a.watch_ms, a.buffer_ms, a.clicks
),
currencies AS (
  SELECT DISTINCT currency FROM show_revenue
  UNION ALL
  SELECT CAST(NULL AS VARCHAR) AS currency
  FROM (SELECT count(*) AS lines FROM show_revenue) r
  WHERE r.lines = 0
),
show_values AS (
  SELECT p.variant, m.metric, CAST(NULL AS VARCHAR) AS currency, p.viewers,
         CASE m.metric
           WHEN 'converted' THEN p.buyers
           WHEN 'watch_minutes' THEN p.watch_ms / 60000
           WHEN 'clicks' THEN p.clicks
           WHEN 'rebuffer_pct' THEN 100 * p.buffer_ms
           WHEN 'playback_failure_pct' THEN 100 * p.failed
           ELSE 100 * p.ebvs
         END AS value,
         CASE m.metric
           WHEN 'rebuffer_pct' THEN p.watch_ms + p.buffer_ms
           WHEN 'playback_failure_pct' THEN p.sessions
           WHEN 'ebvs_pct' THEN p.sessions
           ELSE p.viewers
         END AS denominator
  FROM per_show p
  CROSS JOIN (VALUES ('converted'), ('watch_minutes'), ('clicks'), ('rebuffer_pct'), ('playback_failure_pct'), ('ebvs_pct')) AS m (metric)
  UNION ALL
  SELECT p.variant, 'revenue' AS metric, c.currency, p.viewers,
         CAST(coalesce(r.revenue, 0) AS DOUBLE) AS value, p.viewers AS denominator
  FROM per_show p
  CROSS JOIN currencies c
  LEFT JOIN show_revenue r
    ON r.retailer_id = p.retailer_id AND r.show_id = p.show_id AND r.currency = c.currency
)
SELECT
  variant, metric, currency,
  count(*) AS n,
  sum(value) AS sum,
  sum(value * value) AS sum_squares,
  sum(denominator) AS denominator_sum,
  sum(denominator * denominator) AS denominator_sum_squares,
  sum(value * denominator) AS main_denominator_sum_product,
  sum(viewers) AS viewers
FROM show_values
GROUP BY variant, metric, currency
ORDER BY metric, currency, variant
