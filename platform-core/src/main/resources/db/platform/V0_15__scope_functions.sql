-- A transaction's scope for row-level security (V0_2), each setting written once: the actor (clp.user_id and clp.scope,
-- 'user' or 'system') and the organizations it may see (clp.org_ids, one added at a time). Transactions runs them; a
-- statement that enters an organization may run them first, in the same round trip (platform-tenancy V0_16).
CREATE FUNCTION clp_set_scope(p_user text, p_scope text) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('clp.user_id', coalesce(p_user, ''), true), set_config('clp.scope', p_scope, true);
END $$;

CREATE FUNCTION clp_allow_organization(p_org uuid) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('clp.org_ids', concat_ws(',', NULLIF(current_setting('clp.org_ids', true), ''), p_org::text), true);
END $$;
