-- events: the lake's event rows, once per event_id (docs/spec.md §4: events
-- are counted once however often they were delivered). The earliest
-- received copy wins, with its dt partition. Reads lake_events (DuckDB: read_parquet over
-- lake/events/dt=*/; Athena: the external table `livelens athena ddl` creates,
-- pipeline/engine/athena-ddl.ts).
WITH numbered AS (
  SELECT
    lake_events.*,
    row_number() OVER (PARTITION BY event_id ORDER BY received_at) AS copy_number
  FROM lake_events
)
SELECT
  event_id, type, ts, event_time, received_at, retailer_id, viewer_id, session_id,
  show_id, creator_id, user_id, region, device, experiments, autoplay, page,
  startup_ms, watch_ms, latency_ms, bitrate_kbps, quality, buffer_ms, from_kbps,
  to_kbps, code, message, fatal, length, product_id, offer_id, click_id, price,
  currency, experiment_id, variant, reason, dt
FROM numbered
WHERE copy_number = 1
