-- qoe_impact_by_latency: conversion and revenue per retailer, region and
-- latency bucket of the (viewer, show) pairs (docs/spec.md §4b), with
-- revenue_at_risk beside the buckets; rules and formula in qoe_impact_buckets.sql.
-- requires: qoe_impact_buckets
SELECT retailer_id, region, bucket, currency, viewers, buyers, revenue,
       conversion_rate, revenue_per_viewer, revenue_at_risk
FROM qoe_impact_buckets
WHERE dimension = 'latency'
ORDER BY retailer_id, region NULLS FIRST, bucket_rank, currency NULLS FIRST
