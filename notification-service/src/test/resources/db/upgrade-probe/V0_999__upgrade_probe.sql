-- Test only (UpgradeFromPreviousReleaseTest): a platform migration added after the previous release,
-- as V0_8, V0_9, ... will be. It changes a platform table and the rows already in it; rows of an
-- org-scoped table are visible to a migration only in the system scope (row-level security, V0_2).
SELECT set_config('clp.scope', 'system', true);
ALTER TABLE organization_refs ADD COLUMN upgrade_probe varchar(64);
UPDATE organization_refs SET upgrade_probe = 'set by V0_999';
