-- events_in_period: the events view (views/events.sql: once per event_id,
-- the earliest received copy wins) over only the dt partitions a statement
-- reads, carried by the statement as its `events` CTE where the engine's own
-- view would hide dt from partition pruning (pipeline/engine/partition-bounds.ts).
-- Days $scan_from_dt..$scan_to_dt are read in full; of the neighbouring days
-- only event_id, received_at and event_time of the events in
-- [$copy_from_ms, $copy_to_ms) (EVENT_COPY_MARGIN_MS beyond the scanned days;
-- Parquet row-group statistics skip the rest), so a copy of an event landed
-- on a neighbouring day still outranks a later one.
SELECT
  event_id, type, ts, event_time, received_at, retailer_id, viewer_id, session_id,
  show_id, creator_id, user_id, region, device, experiments, autoplay, page,
  startup_ms, watch_ms, latency_ms, bitrate_kbps, quality, buffer_ms, from_kbps,
  to_kbps, code, message, fatal, length, product_id, offer_id, click_id, price,
  currency, experiment_id, variant, reason, dt
FROM (
  SELECT
    lake_events.*,
    row_number() OVER (PARTITION BY event_id ORDER BY received_at) AS copy_number
  FROM lake_events
  WHERE dt >= $scan_from_dt AND dt <= $scan_to_dt
) numbered
WHERE copy_number = 1
  AND NOT EXISTS (
    SELECT 1
    FROM lake_events earlier
    WHERE earlier.dt >= $dedupe_from_dt AND earlier.dt <= $dedupe_to_dt
      AND (earlier.dt < $scan_from_dt OR earlier.dt > $scan_to_dt)
      AND earlier.event_time >= $copy_from_ms AND earlier.event_time < $copy_to_ms
      AND earlier.event_id = numbered.event_id
      AND earlier.received_at < numbered.received_at
  )
