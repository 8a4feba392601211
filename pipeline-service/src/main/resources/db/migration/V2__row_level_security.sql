-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).
-- Public templates (no organization) are visible to all; only an organization's own can be written.

ALTER TABLE templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE templates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON templates
    USING ((org_id IS NULL AND is_public) OR clp_org_visible(org_id))
    WITH CHECK (clp_org_visible(org_id) OR (org_id IS NULL AND clp_system_scope()));

ALTER TABLE dsp_account_refs ENABLE ROW LEVEL SECURITY;
ALTER TABLE dsp_account_refs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dsp_account_refs
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

ALTER TABLE pipelines ENABLE ROW LEVEL SECURITY;
ALTER TABLE pipelines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON pipelines
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

ALTER TABLE etl_executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE etl_executions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON etl_executions
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

ALTER TABLE data_quality_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_quality_metrics FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON data_quality_metrics
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

