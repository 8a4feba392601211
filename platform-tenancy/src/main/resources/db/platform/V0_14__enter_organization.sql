-- Entering an organization in one statement: a unit of work of a service that knows the caller's standing from the
-- token (every service but identity) makes the organization's rows visible to its transaction and reads the
-- organization's state, which it needs next, in one round trip instead of two. The setting is the one
-- Transactions.allowOrganization makes (the organizations in scope, this one added); the state is read after it, as
-- the row-level security of organization_refs requires, by a statement of its own inside the function. Runs with the
-- caller's rights: the read stays under row-level security.
CREATE FUNCTION clp_enter_organization(p_org uuid) RETURNS varchar LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('clp.org_ids', concat_ws(',', NULLIF(current_setting('clp.org_ids', true), ''), p_org::text), true);
    RETURN (SELECT status FROM organization_refs WHERE org_id = p_org);
END $$;
