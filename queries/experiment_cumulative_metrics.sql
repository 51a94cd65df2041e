-- experiment_cumulative_metrics: the sufficient statistics of
-- experiment_metrics per period of first exposure (cohort_start: the UTC
-- day or hour, $bucket_ms long, of the viewer's exposed_at) instead of over
-- every viewer at once. Summed over the periods up to one, they are those
-- of the viewers first exposed by its end, each measured as in the
-- experiment report (from exposure up to $to_ms): the dashboard's cumulative
-- lift by day of first exposure. Revenue caps ($cap_percentile < 1) and the
-- currencies are those of the whole period. retailer_id: as in
-- experiment_unit_values ($by_retailer = 1: each retailer apart; 0: '').
-- requires: experiment_unit_values
SELECT
  retailer_id,
  exposed_at - exposed_at % $bucket_ms AS cohort_start,
  metric, currency, variant,
  count(*) AS n,
  sum(value) AS sum,
  sum(value * value) AS sum_squares,
  sum(covariate) AS covariate_sum,
  sum(covariate * covariate) AS covariate_sum_squares,
  sum(value * covariate) AS main_covariate_sum_product
FROM experiment_unit_values
GROUP BY 1, 2, 3, 4, 5
ORDER BY retailer_id, cohort_start, metric, currency, variant
