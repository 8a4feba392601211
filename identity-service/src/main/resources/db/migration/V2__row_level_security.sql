-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).
-- A user also sees their own memberships, grants and keys, and the organizations they belong to.

ALTER TABLE org_memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON org_memberships
    USING (clp_org_visible(org_id) OR user_id = clp_current_user())
    WITH CHECK (clp_org_visible(org_id));

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organizations
    USING (clp_org_visible(id) OR id IN (SELECT m.org_id FROM org_memberships m WHERE m.user_id = clp_current_user()))
    WITH CHECK (clp_org_visible(id));

ALTER TABLE auth_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON auth_tokens
    USING (clp_org_visible(org_id) OR user_id = clp_current_user())
    WITH CHECK (clp_org_visible(org_id) OR (org_id IS NULL AND user_id = clp_current_user()));

ALTER TABLE entity_permissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE entity_permissions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON entity_permissions
    USING (clp_org_visible(org_id) OR user_id = clp_current_user())
    WITH CHECK (clp_org_visible(org_id));
