-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).

ALTER TABLE rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON rules
    USING (clp_org_visible(org_id)) WITH CHECK (clp_org_visible(org_id));

