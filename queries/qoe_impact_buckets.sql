-- qoe_impact_buckets: per retailer, region, dimension (rebuffer, latency,
-- startup) and QoE bucket of qoe_impact_pairs (docs/spec.md §4b): viewers
-- (pairs), buyers (pairs with an order line attributed to a click of that
-- viewer in that show), revenue, conversion_rate, revenue_per_viewer, and
-- revenue_at_risk beside the buckets:
--   revenue_at_risk = V × (B₀/V₀ − B/V) × average attributed order line revenue
-- where V₀, B₀ are the viewers and buyers of the best bucket (bucket_rank 0:
-- none, <2s, <1s) and V, B those of every worse bucket together, in the
-- retailer and region; NULL when either side has no pair. Negative means the
-- worse buckets converted better. One row per currency of the bucket's
-- attributed lines (viewers repeated, buyers and revenue of that currency,
-- revenue_at_risk with that currency's average line); a bucket with no
-- attributed line gets one row, currency NULL. Only buckets with pairs.
-- requires: attributed_order_lines, qoe_impact_pairs
WITH pair_buckets AS (
  SELECT retailer_id, region, show_id, viewer_id, 'rebuffer' AS dimension, rebuffer_bucket AS bucket,
         CASE rebuffer_bucket WHEN 'none' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END AS bucket_rank
  FROM qoe_impact_pairs WHERE rebuffer_bucket IS NOT NULL
  UNION ALL
  SELECT retailer_id, region, show_id, viewer_id, 'latency', latency_bucket,
         CASE latency_bucket WHEN '<2s' THEN 0 WHEN '2-5s' THEN 1 WHEN '5-10s' THEN 2 ELSE 3 END
  FROM qoe_impact_pairs WHERE latency_bucket IS NOT NULL
  UNION ALL
  SELECT retailer_id, region, show_id, viewer_id, 'startup', startup_bucket,
         CASE startup_bucket WHEN '<1s' THEN 0 WHEN '1-2s' THEN 1 WHEN '2-5s' THEN 2 ELSE 3 END
  FROM qoe_impact_pairs WHERE startup_bucket IS NOT NULL
),
pair_lines AS (
  -- Attributed lines of a pair: the click's viewer in the click's show.
  SELECT retailer_id, show_id, viewer_id, currency, count(*) AS lines, sum(revenue) AS revenue
  FROM attributed_order_lines
  WHERE attribution IS NOT NULL
  GROUP BY retailer_id, show_id, viewer_id, currency
),
pair_bought AS (
  SELECT DISTINCT retailer_id, show_id, viewer_id FROM pair_lines
),
audience AS (
  SELECT b.retailer_id, b.region, b.dimension, b.bucket, b.bucket_rank,
         count(*) AS viewers,
         count(p.viewer_id) AS buyers_any_currency
  FROM pair_buckets b
  LEFT JOIN pair_bought p
    ON p.retailer_id = b.retailer_id AND p.show_id = b.show_id AND p.viewer_id = b.viewer_id
  GROUP BY b.retailer_id, b.region, b.dimension, b.bucket, b.bucket_rank
),
sales AS (
  SELECT b.retailer_id, b.region, b.dimension, b.bucket, l.currency,
         count(*) AS buyers, sum(l.lines) AS lines, sum(l.revenue) AS revenue
  FROM pair_buckets b
  JOIN pair_lines l
    ON l.retailer_id = b.retailer_id AND l.show_id = b.show_id AND l.viewer_id = b.viewer_id
  GROUP BY b.retailer_id, b.region, b.dimension, b.bucket, l.currency
),
reference AS (
  SELECT retailer_id, region, dimension,
         sum(viewers) FILTER (WHERE bucket_rank = 0) AS best_viewers,
         sum(buyers_any_currency) FILTER (WHERE bucket_rank = 0) AS best_buyers,
         sum(viewers) FILTER (WHERE bucket_rank > 0) AS worse_viewers,
         sum(buyers_any_currency) FILTER (WHERE bucket_rank > 0) AS worse_buyers
  FROM audience
  GROUP BY retailer_id, region, dimension
),
line_average AS (
  SELECT retailer_id, region, dimension, currency,
         sum(revenue) / sum(lines) AS average_line_revenue
  FROM sales
  GROUP BY retailer_id, region, dimension, currency
)
SELECT
  a.retailer_id, a.region, a.dimension, a.bucket, a.bucket_rank, s.currency,
  a.viewers,
  coalesce(s.buyers, 0) AS buyers,
  -- Rounded to 1e-6 so float addition noise never shows, as in the conversion reports.
  round(coalesce(s.revenue, 0), 6) AS revenue,
  CAST(coalesce(s.buyers, 0) AS DOUBLE) / a.viewers AS conversion_rate,
  round(coalesce(s.revenue, 0), 6) / a.viewers AS revenue_per_viewer,
  round(r.worse_viewers * (CAST(r.best_buyers AS DOUBLE) / r.best_viewers - CAST(r.worse_buyers AS DOUBLE) / r.worse_viewers)
        * la.average_line_revenue, 6) AS revenue_at_risk
FROM audience a
LEFT JOIN sales s
  ON s.retailer_id = a.retailer_id AND s.region IS NOT DISTINCT FROM a.region
 AND s.dimension = a.dimension AND s.bucket = a.bucket
LEFT JOIN reference r
  ON r.retailer_id = a.retailer_id AND r.region IS NOT DISTINCT FROM a.region AND r.dimension = a.dimension
LEFT JOIN line_average la
  ON la.retailer_id = a.retailer_id AND la.region IS NOT DISTINCT FROM a.region
 AND la.dimension = a.dimension AND la.currency = s.currency
