-- Entering an organization adds it to the transaction's organizations by the one function that does (V0_15) instead of
-- a copy of its expression; and a transaction whose caller's standing is known from the token (every service but
-- identity) sets its actor's scope in the same statement, one round trip instead of two. Each step is a statement of
-- its own, run in order: the state is read under the row-level security the settings have just opened.
CREATE OR REPLACE FUNCTION clp_enter_organization(p_org uuid) RETURNS varchar LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM clp_allow_organization(p_org);
    RETURN (SELECT status FROM organization_refs WHERE org_id = p_org);
END $$;

CREATE FUNCTION clp_enter_organization(p_org uuid, p_user text, p_scope text) RETURNS varchar LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM clp_set_scope(p_user, p_scope);
    RETURN clp_enter_organization(p_org);
END $$;
