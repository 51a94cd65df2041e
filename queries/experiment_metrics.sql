-- experiment_metrics: per variant and metric of experiment $experiment_id,
-- the sufficient statistics the statistics engine needs (docs/spec.md §§4
-- and 6): n (viewers), sum, sum_squares of the per-viewer metric, and
-- covariate_sum, covariate_sum_squares, main_covariate_sum_product of its
-- CUPED covariate (the per-viewer values and covariates:
-- experiment_unit_values). retailer_id: the retailer analysed with
-- $by_retailer = 1 (rows of every retailer at once, each apart), '' with 0.
-- requires: experiment_unit_values
SELECT
  retailer_id, variant, metric, currency,
  count(*) AS n,
  sum(value) AS sum,
  sum(value * value) AS sum_squares,
  sum(covariate) AS covariate_sum,
  sum(covariate * covariate) AS covariate_sum_squares,
  sum(value * covariate) AS main_covariate_sum_product
FROM experiment_unit_values
GROUP BY retailer_id, variant, metric, currency
ORDER BY retailer_id, metric, currency, variant
