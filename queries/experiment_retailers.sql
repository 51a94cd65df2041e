-- experiment_retailers: the retailers in which experiment $experiment_id was
-- seen between $from_ms and $to_ms, with the viewers seen in it (docs/spec.md
-- §§4 and 8): an experiment id used by two retailers is two experiments,
-- each analysed apart. Filters $retailer_id, $creator_id, $show_id, $region:
-- '' means all.
-- requires: experiment_assignments
SELECT retailer_id, count(*) AS viewers
FROM experiment_assignments
GROUP BY retailer_id
ORDER BY retailer_id
