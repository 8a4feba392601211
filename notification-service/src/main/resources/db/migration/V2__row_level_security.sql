-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notifications
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

