-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).
-- Public templates (no organization) are visible to all; only an organization's own can be written.

ALTER TABLE templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE templates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON templates
    USING ((org_id IS NULL AND is_public) OR clp_org_visible(org_id))
    WITH CHECK (clp_org_visible(org_id) OR (org_id IS NULL AND clp_system_scope()));

SELECT clp_enable_tenant_isolation('dsp_account_refs');
SELECT clp_enable_tenant_isolation('pipelines');
SELECT clp_enable_tenant_isolation('etl_executions');
SELECT clp_enable_tenant_isolation('data_quality_metrics');
