-- attribution_clicks: the click_to_buy events an order line of the report
-- period can be attributed to (docs/spec.md §4): those inside the period,
-- of retailer $retailer_id ('' = every retailer), with what the attribution
-- reports read of them. Read by order_line_attributions (the rule) and
-- attributed_order_lines (the chosen click's other columns).
SELECT event_id, retailer_id, event_time, click_id, user_id, product_id,
       viewer_id, session_id, show_id, creator_id, offer_id, region, device
FROM events
WHERE type = 'click_to_buy'
  AND {{in_period}}
  AND {{retailer_filter}}
