-- experiment_unit_values: one row per viewer and metric (and currency) of
-- experiment $experiment_id (docs/spec.md §4): the viewer's variant, first
-- exposure (exposed_at), the metric's value and its CUPED covariate,
-- measured over the $lookback_ms before the viewer's exposure. The one
-- definition of the per-viewer metrics: experiment_metrics sums it per
-- variant, experiment_cumulative_metrics per day of first exposure.
-- Viewers seen in several variants are left out, and so are viewers of a
-- variant the definition does not list ($variants is
-- ',a,b,' for listed variants a and b, '' for any).
-- Per-viewer metrics, from exposure up to $to_ms (covariate in brackets):
--   converted      1 when an order line is attributed to one of the viewer's
--                  clicks made after exposure, else 0 (any order line of the
--                  viewer's user_id before exposure, 0/1)
--   revenue        Σ quantity × unit_price of those lines, one row per
--                  currency (never summed across currencies), capped at the
--                  $cap_percentile percentile of viewers when below 1
--                  (order-line revenue of the viewer's user_id before
--                  exposure, in that currency, capped likewise)
--   watch_minutes  Σ heartbeat watch_ms / 60000 (the same before exposure)
--   clicks         click_to_buy events (the same before exposure)
-- A metric without currency has currency NULL; with no attributed line at
-- all, revenue has one row with currency NULL.
-- retailer_id: with $by_retailer = 1, the viewer's retailer, each retailer
-- analysed apart (its own currencies and revenue caps: docs/spec.md §§4 and
-- 8), so one statement serves every retailer of the report; with 0, '' and
-- every retailer the filters keep analysed together.
-- requires: experiment_units, experiment_unit_sessions, order_line_attributions
-- Per exposed viewer, over the CUPED lookback up to $to_ms (experiment_unit_sessions' sums of
-- the viewer's sessions; variant and exposed_at come back from experiment_units).
WITH viewer_events AS (
  SELECT
    retailer_id, viewer_id,
    sum(watch_ms) AS watch_ms, sum(pre_watch_ms) AS pre_watch_ms,
    sum(clicks) AS clicks, sum(pre_clicks) AS pre_clicks,
    min(user_id) AS user_id
  FROM experiment_unit_sessions
  GROUP BY retailer_id, viewer_id
),
activity AS (
  SELECT
    u.retailer_id, u.viewer_id, u.part, u.variant, u.exposed_at,
    coalesce(v.watch_ms, 0) / CAST(60000 AS DOUBLE) AS watch_minutes,
    coalesce(v.pre_watch_ms, 0) / CAST(60000 AS DOUBLE) AS pre_watch_minutes,
    coalesce(v.clicks, 0) AS clicks,
    coalesce(v.pre_clicks, 0) AS pre_clicks,
    v.user_id
  FROM experiment_units u
  LEFT JOIN viewer_events v ON v.retailer_id = u.retailer_id AND v.viewer_id = u.viewer_id
),
-- The viewer's attributed lines: only the attributed ones, so the rule's own rows
-- (order_line_attributions), filtered as attributed_order_lines filters them.
bought AS (
  SELECT u.retailer_id, u.viewer_id, u.part, l.currency, sum(l.revenue) AS revenue
  FROM experiment_units u
  JOIN order_line_attributions l
    ON l.retailer_id = u.retailer_id AND l.viewer_id = u.viewer_id AND l.click_time >= u.exposed_at
  WHERE {{filters l}}
  GROUP BY u.retailer_id, u.viewer_id, u.part, l.currency
),
pre_bought AS (
  SELECT a.retailer_id, a.viewer_id, o.currency, sum(CAST(o.quantity AS DOUBLE) * o.unit_price) AS revenue
  FROM activity a
  JOIN orders o
    ON o.retailer_id = a.retailer_id AND o.user_id = a.user_id
   AND o.dt >= $lookback_from_dt AND o.dt <= $to_dt
   AND o.ts >= a.exposed_at - $lookback_ms AND o.ts < a.exposed_at
  GROUP BY a.retailer_id, a.viewer_id, o.currency
),
-- Per analysis (part): the currencies of its attributed lines, or NULL when it has none.
currencies AS (
  SELECT DISTINCT part, currency FROM bought
  UNION ALL
  SELECT p.part, CAST(NULL AS VARCHAR) AS currency
  FROM (SELECT DISTINCT part FROM experiment_units) p
  LEFT JOIN (SELECT part, count(*) AS lines FROM bought GROUP BY part) b ON b.part = p.part
  WHERE b.lines IS NULL
),
revenue_units AS (
  SELECT a.part, a.variant, a.exposed_at, c.currency,
         coalesce(b.revenue, 0) AS value,
         coalesce(p.revenue, 0) AS covariate
  FROM activity a
  JOIN currencies c ON c.part = a.part
  LEFT JOIN bought b
    ON b.retailer_id = a.retailer_id AND b.viewer_id = a.viewer_id AND b.currency = c.currency
  LEFT JOIN pre_bought p
    ON p.retailer_id = a.retailer_id AND p.viewer_id = a.viewer_id AND p.currency = c.currency
),
caps AS (
  SELECT part, currency,
         approx_percentile(value, $cap_percentile) AS value_cap,
         approx_percentile(covariate, $cap_percentile) AS covariate_cap
  FROM revenue_units
  GROUP BY part, currency
),
buyers AS (
  SELECT DISTINCT retailer_id, viewer_id FROM bought
),
prior_buyers AS (
  SELECT DISTINCT retailer_id, viewer_id FROM pre_bought
),
unit_values AS (
  SELECT a.part, a.variant, a.exposed_at, 'converted' AS metric, CAST(NULL AS VARCHAR) AS currency,
         CAST(CASE WHEN x.viewer_id IS NULL THEN 0 ELSE 1 END AS DOUBLE) AS value,
         CAST(CASE WHEN y.viewer_id IS NULL THEN 0 ELSE 1 END AS DOUBLE) AS covariate
  FROM activity a
  LEFT JOIN buyers x ON x.retailer_id = a.retailer_id AND x.viewer_id = a.viewer_id
  LEFT JOIN prior_buyers y ON y.retailer_id = a.retailer_id AND y.viewer_id = a.viewer_id
  UNION ALL
  SELECT r.part, r.variant, r.exposed_at, 'revenue' AS metric, r.currency,
         CASE WHEN $cap_percentile < 1 THEN least(r.value, k.value_cap) ELSE r.value END AS value,
         CASE WHEN $cap_percentile < 1 THEN least(r.covariate, k.covariate_cap) ELSE r.covariate END AS covariate
  FROM revenue_units r
  JOIN caps k ON k.part = r.part AND k.currency IS NOT DISTINCT FROM r.currency
  UNION ALL
  SELECT part, variant, exposed_at, 'watch_minutes' AS metric, CAST(NULL AS VARCHAR) AS currency,
         CAST(watch_minutes AS DOUBLE) AS value, CAST(pre_watch_minutes AS DOUBLE) AS covariate
  FROM activity
  UNION ALL
  SELECT part, variant, exposed_at, 'clicks' AS metric, CAST(NULL AS VARCHAR) AS currency,
         CAST(clicks AS DOUBLE) AS value, CAST(pre_clicks AS DOUBLE) AS covariate
  FROM activity
)
SELECT part AS retailer_id, variant, exposed_at, metric, currency, value, covariate
FROM unit_values
