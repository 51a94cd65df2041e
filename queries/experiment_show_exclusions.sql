-- experiment_show_exclusions: shows of show-level experiment $experiment_id,
-- those left out because their events disagree on the variant
-- (excluded_shows), and those of a variant the definition does not list
-- (unlisted_shows; $variants is ',a,b,' for listed variants, '' for any).
-- requires: experiment_show_assignments
SELECT
  count(*) AS exposed_shows,
  count(*) FILTER (WHERE variants_seen > 1) AS excluded_shows,
  count(*) FILTER (WHERE variants_seen = 1 AND $variants <> '' AND strpos($variants, ',' || variant || ',') = 0) AS unlisted_shows
FROM experiment_show_assignments
