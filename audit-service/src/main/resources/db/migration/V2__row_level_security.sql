-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).
-- Entries without an organization are visible to the service itself only.

ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_logs
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

