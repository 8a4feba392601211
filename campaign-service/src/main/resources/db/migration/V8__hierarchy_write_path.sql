-- The hierarchy's write path (docs/sync.md, Throughput): a sync writes hundreds of thousands of rows per account.

-- 1. Time-ordered ids: a batch's rows, and their children's parent references, land at the right edge of each index.
ALTER TABLE campaigns ALTER COLUMN id SET DEFAULT clp_uuid_v7();
ALTER TABLE insertion_orders ALTER COLUMN id SET DEFAULT clp_uuid_v7();
ALTER TABLE line_items ALTER COLUMN id SET DEFAULT clp_uuid_v7();
ALTER TABLE creatives ALTER COLUMN id SET DEFAULT clp_uuid_v7();

-- 2. One foreign-key check per row below campaign level, not three. An insertion order, line item or creative keeps
-- the foreign key to its parent; its campaign is its parent's (copied by the sync from the parent row it resolved in the
-- same statement), and its account is the one whose row the sync holds locked (FOR UPDATE) in the same transaction, so
-- the other two checks (a trigger query per row each) proved nothing the write had not already established. What the
-- dropped constraints did on delete is done by the statement triggers below, once per deleting statement.
ALTER TABLE insertion_orders DROP CONSTRAINT insertion_orders_dsp_account_id_fkey;
ALTER TABLE line_items DROP CONSTRAINT line_items_dsp_account_id_fkey,
                       DROP CONSTRAINT line_items_campaign_id_fkey;
ALTER TABLE creatives DROP CONSTRAINT creatives_dsp_account_id_fkey,
                      DROP CONSTRAINT creatives_campaign_id_fkey;

-- They run with the deleting transaction's rights and row-level security: every row of an account's or a campaign's
-- hierarchy carries that account's organization (the sync writes the account's org_id), and an account is deleted only
-- in its organization's scope (READ COMMITTED, its row locked first), so every row to detach is visible to them.
-- a deleted account's hierarchy is kept, detached (as campaigns' ON DELETE SET NULL does)
-- (tables qualified by the trigger's own schema: a session's search_path need not name it)
CREATE FUNCTION detach_deleted_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    level text;
BEGIN
    FOREACH level IN ARRAY ARRAY['insertion_orders', 'line_items', 'creatives'] LOOP
        EXECUTE format('UPDATE %I.%I SET dsp_account_id = NULL WHERE dsp_account_id IN (SELECT id FROM gone)',
                       TG_TABLE_SCHEMA, level);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER trg_dsp_accounts_detach_hierarchy AFTER DELETE ON dsp_accounts
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION detach_deleted_accounts();

-- a deleted campaign takes its line items with it and leaves its creatives (as the dropped constraints did)
CREATE FUNCTION detach_deleted_campaigns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I.line_items WHERE campaign_id IN (SELECT id FROM gone)', TG_TABLE_SCHEMA);
    EXECUTE format('UPDATE %I.creatives SET campaign_id = NULL WHERE campaign_id IN (SELECT id FROM gone)', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;
CREATE TRIGGER trg_campaigns_detach_hierarchy AFTER DELETE ON campaigns
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION detach_deleted_campaigns();
