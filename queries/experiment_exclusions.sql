-- experiment_exclusions: viewers of experiment $experiment_id, and those
-- left out of the analysis (docs/spec.md §4): seen in more than one variant
-- (excluded_viewers), or assigned to a variant the definition does not
-- list (unlisted_viewers; $variants is ',a,b,' for listed variants, '' for any).
-- requires: experiment_assignments
SELECT
  count(*) AS exposed_viewers,
  count(*) FILTER (WHERE variants_seen > 1) AS excluded_viewers,
  count(*) FILTER (WHERE variants_seen = 1 AND $variants <> '' AND strpos($variants, ',' || variant || ',') = 0) AS unlisted_viewers
FROM experiment_assignments
