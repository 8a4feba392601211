-- Row-level security helpers. Every org-scoped table of a service carries a policy built on
-- clp_org_visible(org_id): a row is visible only to a transaction that platform-core's Transactions
-- scoped to the row's organization (or to the service itself, for system work). A query that forgets
-- its org filter therefore still returns nothing from another organization.

-- the service acting for itself (consumers, schedulers): sees every organization
CREATE FUNCTION clp_system_scope() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('clp.scope', true), '') = 'system'
$$;

-- the user the transaction acts for, when it acts for one
CREATE FUNCTION clp_current_user() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('clp.user_id', true), '')::uuid
$$;

CREATE FUNCTION clp_org_visible(org uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT clp_system_scope()
        OR org = ANY (string_to_array(NULLIF(current_setting('clp.org_ids', true), ''), ',')::uuid[])
$$;

-- The standard policy of an org-scoped table: rows of the organizations in scope only.
CREATE FUNCTION clp_enable_tenant_isolation(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (clp_org_visible(org_id)) '
                   'WITH CHECK (clp_org_visible(org_id))', tbl);
END $$;
