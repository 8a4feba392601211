-- Resolving a source row's names path (campaign > insertion order > line item > creative) to the entities, a page of
-- keys at a time (io.clp.campaign.internal.EntityResolutions): campaigns by name in the organization, each child by
-- name under its parent. Index probes bounded by the page, never a scan of the organization's hierarchy.
CREATE INDEX idx_campaigns_org_name ON campaigns (org_id, name);
CREATE INDEX idx_insertion_orders_campaign_name ON insertion_orders (campaign_id, name);
CREATE INDEX idx_line_items_insertion_order_name ON line_items (insertion_order_id, name);
CREATE INDEX idx_creatives_line_item_name ON creatives (line_item_id, name);
