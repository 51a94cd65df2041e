-- attributed_order_lines: every order line with ts in [$from_ms, $to_ms)
-- (attribution_lines), with the click_to_buy it is attributed to by
-- order_line_attributions (the rule, docs/spec.md §4), or NULL attribution
-- columns when unattributed. $retailer_id = '' means every retailer. The
-- creator, show and region filters ($creator_id, $show_id, $region; '' =
-- all) keep the lines whose click is of them, after attribution (a filter
-- never moves a line to another click); with a filter set, unattributed
-- lines are left out.
-- requires: attribution_clicks, attribution_lines, order_line_attributions
SELECT
  l.retailer_id, l.order_id, l.product_id, l.ts, l.user_id, l.click_id,
  l.quantity, l.unit_price, l.currency, l.revenue,
  CASE a.rule_rank WHEN 1 THEN 'click_id' WHEN 2 THEN 'user_product' END AS attribution,
  -- The click's columns from the click itself: this reads only the rule's choice, so the
  -- columns order_line_attributions carries for the experiment are not computed here.
  a.click_event_id, c.event_time AS click_time,
  c.viewer_id, c.session_id, c.show_id, c.creator_id, c.offer_id, c.region, c.device
FROM attribution_lines l
LEFT JOIN order_line_attributions a
  ON a.retailer_id = l.retailer_id AND a.order_id = l.order_id AND a.product_id = l.product_id
LEFT JOIN attribution_clicks c
  ON c.event_id = a.click_event_id
WHERE {{filters c}}
