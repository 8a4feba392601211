-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).

ALTER TABLE dsp_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE dsp_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dsp_accounts
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaigns FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaigns
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

ALTER TABLE campaign_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_metrics FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign_metrics
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

