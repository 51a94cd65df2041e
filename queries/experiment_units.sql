-- experiment_units: the viewers analysed in experiment $experiment_id
-- (docs/spec.md §4): those experiment_assignments saw in exactly one
-- variant, of a variant the definition lists ($variants is ',a,b,' for
-- listed variants a and b, '' for any), with that variant, their first
-- exposure (exposed_at) and their part: with $by_retailer = 1 their
-- retailer (each retailer analysed apart), with 0 '' (every retailer the
-- filters keep, together). Read by experiment_unit_values and
-- experiment_guardrails.
-- requires: experiment_assignments
SELECT retailer_id, viewer_id, variant, exposed_at,
       CASE WHEN $by_retailer = 1 THEN retailer_id ELSE '' END AS part
FROM experiment_assignments
WHERE variants_seen = 1
  AND ($variants = '' OR strpos($variants, ',' || variant || ',') > 0)
