-- experiment_exclusions: viewers of experiment $experiment_id, and those
-- left out of the analysis for being seen in more than one variant
-- (docs/spec.md §4), with the variants they were first assigned to.
-- requires: experiment_assignments
SELECT
  count(*) AS exposed_viewers,
  count(*) FILTER (WHERE variants_seen > 1) AS excluded_viewers
FROM experiment_assignments
