-- experiment_exclusions: viewers of experiment $experiment_id, and those
-- left out of the analysis (docs/spec.md §4): seen in more than one variant
-- (excluded_viewers), or assigned to a variant the definition does not
-- list (unlisted_viewers; $variants is ',a,b,' for listed variants, '' for any).
-- retailer_id: per retailer with $by_retailer = 1; with 0, '' (every
-- retailer together). No row when nobody was seen.
-- requires: experiment_assignments
SELECT
  CASE WHEN $by_retailer = 1 THEN retailer_id ELSE '' END AS retailer_id,
  count(*) AS exposed_viewers,
  count(*) FILTER (WHERE variants_seen > 1) AS excluded_viewers,
  count(*) FILTER (WHERE variants_seen = 1 AND $variants <> '' AND strpos($variants, ',' || variant || ',') = 0) AS unlisted_viewers
FROM experiment_assignments
GROUP BY 1
ORDER BY 1
