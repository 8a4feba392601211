-- The standard tenant isolation, evaluated once per statement instead of once per row.
--
-- clp_org_visible(org_id) is inlined into each policy, and the inlined expression reads and parses clp.scope and
-- clp.org_ids for every row a statement touches: a bulk write of metrics spent most of its time there. Written as
-- uncorrelated sub-selects, the settings become InitPlans, read once per statement, and a row costs one comparison.
-- The rule is the same: the service itself (system scope), or the organizations in scope.
CREATE OR REPLACE FUNCTION clp_enable_tenant_isolation(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (%s) WITH CHECK (%s)', tbl,
                   clp_tenant_isolation_rule(), clp_tenant_isolation_rule());
END $$;

-- The rule's text: org_id belongs to the organizations in scope, or the transaction is the service's own.
CREATE OR REPLACE FUNCTION clp_tenant_isolation_rule() RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '(SELECT clp_system_scope()) OR org_id = ANY ((SELECT string_to_array(NULLIF(current_setting(''clp.org_ids'', '
           'true), ''''), '','')::uuid[])::uuid[])'
$$;

-- Tables isolated before: their standard policy takes the rule (policies of their own are left as they are).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT pol.polrelid::regclass AS tbl
             FROM pg_policy pol
             JOIN pg_class c ON c.oid = pol.polrelid
             WHERE pol.polname = 'tenant_isolation' AND c.relnamespace = current_schema()::regnamespace
               AND pg_get_expr(pol.polqual, pol.polrelid) = 'clp_org_visible(org_id)'
               AND pg_get_expr(pol.polwithcheck, pol.polrelid) = 'clp_org_visible(org_id)' LOOP
        EXECUTE format('ALTER POLICY tenant_isolation ON %s USING (%s) WITH CHECK (%s)', t.tbl,
                       clp_tenant_isolation_rule(), clp_tenant_isolation_rule());
    END LOOP;
END $$;
