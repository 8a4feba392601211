-- CLP's public templates (docs/pipelines.md, "Shipped templates") and the one writer of a template's usage counter.

-- A pipeline made from a template counts one more use of it, in the transaction that makes the pipeline. A public
-- template's row is not the organization's to write (row-level security): this function increments the counter of a
-- template the calling transaction may see (checked in the caller's scope), in the system scope for that one statement,
-- and writes nothing else. Only an active version is counted: it returns 0 for a version an edit or a delete
-- deactivated meanwhile (the update waits for that transaction's row lock, then sees its outcome), and the caller
-- refuses the pipeline. Its search_path is pinned, so no caller's schema can stand in for pipeline.templates.
CREATE FUNCTION count_template_use(template uuid) RETURNS integer LANGUAGE plpgsql
SET search_path = pipeline, pg_catalog AS $$
DECLARE
    caller_scope text := coalesce(current_setting('clp.scope', true), '');
    counted      integer;
BEGIN
    PERFORM 1 FROM pipeline.templates WHERE id = template AND is_active;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    PERFORM set_config('clp.scope', 'system', true);
    UPDATE pipeline.templates SET usage_count = usage_count + 1 WHERE id = template AND is_active;
    GET DIAGNOSTICS counted = ROW_COUNT;
    PERFORM set_config('clp.scope', caller_scope, true);
    RETURN counted;
END
$$;

-- One active version per lineage: two edits (or an edit and a delete) racing on a lineage cannot both leave a version
-- active.
CREATE UNIQUE INDEX uq_templates_one_active ON templates (coalesce(root_template_id, id)) WHERE is_active;

-- A template's updated_at is when it was changed. A use of it (usage_count) is not a change: a public template's
-- updated_at would otherwise tell every tenant when another one made a pipeline from it.
CREATE FUNCTION clp_templates_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF to_jsonb(NEW) - '{usage_count,updated_at}'::text[] = to_jsonb(OLD) - '{usage_count,updated_at}'::text[]
       AND NEW.usage_count IS DISTINCT FROM OLD.usage_count THEN
        NEW.updated_at := OLD.updated_at;
    ELSE
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER trg_templates_updated_at ON templates;
CREATE TRIGGER trg_templates_updated_at BEFORE UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION clp_templates_updated_at();

-- public templates belong to no organization: written in the system scope
SELECT set_config('clp.scope', 'system', true);

INSERT INTO templates (id, name, description, category, template_type, dsp_type, config, default_params, input_schema,
                       required_inputs, optional_inputs, is_public, org_id, version, is_active)
VALUES
('7c1e0a55-0d01-4b7e-9a51-000000000001', 'DV360 daily performance',
 'Display & Video 360 daily delivery report per line item and creative, landed bronze to gold.',
 'performance', 'dsp_daily_report', 'dv360',
 '{"report": {"type": "STANDARD", "dataRange": "CUSTOM_DATES", "groupBys": ["FILTER_DATE", "FILTER_ADVERTISER", "FILTER_INSERTION_ORDER", "FILTER_LINE_ITEM", "FILTER_CREATIVE_ID"], "metrics": ["METRIC_IMPRESSIONS", "METRIC_CLICKS", "METRIC_TOTAL_CONVERSIONS", "METRIC_MEDIA_COST_ADVERTISER", "METRIC_REVENUE_ADVERTISER"]}, "grain": "day", "dateColumn": "FILTER_DATE"}',
 '{"lookbackDays": 2, "currency": "account"}',
 '{"type": "object", "additionalProperties": false, "properties": {"advertiserIds": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{1,20}$"}, "minItems": 1, "maxItems": 500, "uniqueItems": true, "description": "DV360 advertiser ids; absent: every advertiser of the account"}, "lookbackDays": {"type": "integer", "minimum": 0, "maximum": 90}, "currency": {"enum": ["account", "USD", "EUR", "GBP"], "description": "account: amounts in the account currency, else converted"}}}',
 '[]', '["advertiserIds", "currency", "lookbackDays"]', true, NULL, 1, true),
('7c1e0a55-0d01-4b7e-9a51-000000000002', 'The Trade Desk daily performance',
 'The Trade Desk MyReports daily performance per ad group and creative.',
 'performance', 'dsp_daily_report', 'ttd',
 '{"report": {"template": "Daily Performance", "dimensions": ["Date", "Advertiser ID", "Campaign ID", "Ad Group ID", "Creative ID"], "metrics": ["Impressions", "Clicks", "Total Click + View Conversions", "Advertiser Cost (Adv Currency)", "Partner Cost (Adv Currency)"]}, "grain": "day", "dateColumn": "Date"}',
 '{"lookbackDays": 3, "currency": "account"}',
 '{"type": "object", "additionalProperties": false, "properties": {"advertiserIds": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9]{1,64}$"}, "minItems": 1, "maxItems": 500, "uniqueItems": true}, "lookbackDays": {"type": "integer", "minimum": 0, "maximum": 90}, "currency": {"enum": ["account", "USD", "EUR", "GBP"]}}}',
 '[]', '["advertiserIds", "currency", "lookbackDays"]', true, NULL, 1, true),
('7c1e0a55-0d01-4b7e-9a51-000000000003', 'Meta daily performance',
 'Meta Marketing API insights, one row per ad and day.',
 'performance', 'dsp_daily_report', 'meta',
 '{"report": {"endpoint": "insights", "level": "ad", "timeIncrement": 1, "fields": ["date_start", "account_id", "campaign_id", "adset_id", "ad_id", "impressions", "clicks", "spend", "actions", "action_values"], "actionAttributionWindows": ["7d_click", "1d_view"]}, "grain": "day", "dateColumn": "date_start"}',
 '{"lookbackDays": 7, "currency": "account"}',
 '{"type": "object", "additionalProperties": false, "properties": {"advertiserIds": {"type": "array", "items": {"type": "string", "pattern": "^act_[0-9]{1,20}$"}, "minItems": 1, "maxItems": 500, "uniqueItems": true, "description": "ad account ids (act_...); absent: the connected account"}, "lookbackDays": {"type": "integer", "minimum": 0, "maximum": 90}, "currency": {"enum": ["account", "USD", "EUR", "GBP"]}}}',
 '[]', '["advertiserIds", "currency", "lookbackDays"]', true, NULL, 1, true),
('7c1e0a55-0d01-4b7e-9a51-000000000004', 'Amazon DSP daily performance',
 'Amazon DSP reporting v3 daily report per order, line item and creative.',
 'performance', 'dsp_daily_report', 'amazon',
 '{"report": {"reportTypeId": "dspLineItem", "timeUnit": "DAILY", "groupBy": ["order", "lineItem", "creative"], "columns": ["date", "orderId", "lineItemId", "creativeID", "impressions", "clickThroughs", "totalCost", "purchases14d", "sales14d"]}, "grain": "day", "dateColumn": "date"}',
 '{"lookbackDays": 14, "currency": "account"}',
 '{"type": "object", "additionalProperties": false, "properties": {"advertiserIds": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{1,20}$"}, "minItems": 1, "maxItems": 500, "uniqueItems": true}, "lookbackDays": {"type": "integer", "minimum": 0, "maximum": 90}, "currency": {"enum": ["account", "USD", "EUR", "GBP"]}}}',
 '[]', '["advertiserIds", "currency", "lookbackDays"]', true, NULL, 1, true),
('7c1e0a55-0d01-4b7e-9a51-000000000005', 'Google Ads daily performance',
 'Google Ads ad_group_ad performance per day, through a GAQL search.',
 'performance', 'dsp_daily_report', 'google_ads',
 '{"report": {"resource": "ad_group_ad", "fields": ["segments.date", "customer.id", "campaign.id", "ad_group.id", "ad_group_ad.ad.id", "metrics.impressions", "metrics.clicks", "metrics.cost_micros", "metrics.conversions", "metrics.conversions_value"], "moneyIn": "micros"}, "grain": "day", "dateColumn": "segments.date"}',
 '{"lookbackDays": 3, "currency": "account"}',
 '{"type": "object", "additionalProperties": false, "properties": {"advertiserIds": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{10}$"}, "minItems": 1, "maxItems": 500, "uniqueItems": true, "description": "customer ids, ten digits without dashes"}, "lookbackDays": {"type": "integer", "minimum": 0, "maximum": 90}, "currency": {"enum": ["account", "USD", "EUR", "GBP"]}}}',
 '[]', '["advertiserIds", "currency", "lookbackDays"]', true, NULL, 1, true),
('7c1e0a55-0d01-4b7e-9a51-000000000006', 'Daily media CSV file',
 'A daily CSV file of delivery per campaign, strategy, placement and creative, from the organization''s drop directory or its prefix of the platform''s S3 bucket.',
 'file_import', 'csv_daily_file', NULL,
 '{"format": "csv", "header": true, "grain": "day", "dateColumn": "date", "columns": [{"name": "date", "type": "date"}, {"name": "campaign_name", "type": "string", "maxLength": 255}, {"name": "strategy_name", "type": "string", "maxLength": 255}, {"name": "placement_name", "type": "string", "maxLength": 255}, {"name": "creative_name", "type": "string", "maxLength": 255}, {"name": "impressions", "type": "integer"}, {"name": "clicks", "type": "integer"}, {"name": "ctr", "type": "decimal", "scale": 6}, {"name": "conversions", "type": "integer"}, {"name": "conversion_revenue", "type": "decimal", "scale": 2}], "hierarchy": ["campaign_name", "strategy_name", "placement_name", "creative_name"]}',
 '{"filenamePattern": "*.csv", "unknownEntities": "reject", "lookbackDays": 0}',
 '{"type": "object", "additionalProperties": false, "required": ["source"], "properties": {"source": {"oneOf": [{"type": "object", "additionalProperties": false, "required": ["kind", "path"], "properties": {"kind": {"const": "directory"}, "path": {"type": "string", "minLength": 1, "maxLength": 1024, "pattern": "^[^/\\\\]+(/[^/\\\\]+)*/?$", "not": {"pattern": "(^|/)\\.\\.(/|$)"}, "description": "relative to the organization''s own drop directory: no leading /, no .. segment, no backslash"}}}, {"type": "object", "additionalProperties": false, "required": ["kind", "prefix"], "properties": {"kind": {"const": "s3"}, "prefix": {"type": "string", "minLength": 1, "maxLength": 1024, "pattern": "^[^/\\\\]+(/[^/\\\\]+)*/?$", "not": {"pattern": "(^|/)\\.\\.(/|$)"}, "description": "a key prefix inside the platform''s bucket, under the organization''s own prefix: no leading /, no .. segment, no backslash"}}}]}, "filenamePattern": {"type": "string", "minLength": 1, "maxLength": 255}, "unknownEntities": {"enum": ["create", "reject"], "description": "create: a campaign, strategy, placement or creative the file names that CLP does not know is created; reject: its rows are refused"}, "lookbackDays": {"type": "integer", "minimum": 0, "maximum": 90}}}',
 '["source"]', '["filenamePattern", "lookbackDays", "unknownEntities"]', true, NULL, 1, true);

-- A deleted DSP account stays in the read model as a tombstone, so no late or replayed older event brings it back.
ALTER TABLE dsp_account_refs ADD COLUMN deleted_at timestamptz;
