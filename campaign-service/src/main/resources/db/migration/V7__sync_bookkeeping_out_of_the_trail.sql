-- The sync's bookkeeping stays out of the change stream and so out of the audit trail (docs/audit-policy.md): the clp-cdc
-- connector (deploy/debezium/clp-cdc.properties) leaves out the account's sync lease and a run's progress columns, and
-- skips an update that changed none of the columns it captures. Two things here keep that sound.

-- 1. An account's updated_at is captured (it is when the account changed), so it must not move when an update only takes,
--    renews or releases the sync lease: that is not a change of the account, and it happens every few seconds while a
--    run works. Only then: an update that changes no column at all still moves it, because replacing the credentials
--    (kept apart in dsp_account_credentials, which is not captured) touches the account row and nothing else, and
--    the trail must show that the account changed. The trigger keeps its name, so it still fires after
--    trg_dsp_accounts_unblock_sync (BEFORE triggers fire in name order) and sees that trigger's changes.
CREATE FUNCTION clp_dsp_accounts_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.sync_lease_owner, NEW.sync_lease_until) IS DISTINCT FROM (OLD.sync_lease_owner, OLD.sync_lease_until)
       AND to_jsonb(NEW) - 'sync_lease_owner' - 'sync_lease_until' - 'updated_at'
         = to_jsonb(OLD) - 'sync_lease_owner' - 'sync_lease_until' - 'updated_at' THEN
        NEW.updated_at := OLD.updated_at;
    ELSE
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER trg_dsp_accounts_updated_at ON dsp_accounts;
CREATE TRIGGER trg_dsp_accounts_updated_at BEFORE UPDATE ON dsp_accounts
    FOR EACH ROW EXECUTE FUNCTION clp_dsp_accounts_updated_at();

-- 2. A run's counts change with every page written, so they are not captured; what the run did is audited once, when it
--    ends: final_counts holds the counts as of the run's end (succeeded, failed or cancelled) and is NULL while it is queued
--    or running (a failed run resumed is running again). Kept by the database, so whatever ends a run records them.
--    Runs that ended before this migration keep NULL: their counts reached the trail while counts were still captured, and
--    rewriting them now would add an entry per past run.
ALTER TABLE sync_runs ADD COLUMN final_counts jsonb;
CREATE FUNCTION clp_sync_runs_final_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.final_counts := CASE WHEN NEW.status IN ('succeeded', 'failed', 'cancelled') THEN NEW.counts END;
    RETURN NEW;
END $$;
CREATE TRIGGER trg_sync_runs_final_counts BEFORE INSERT OR UPDATE ON sync_runs
    FOR EACH ROW EXECUTE FUNCTION clp_sync_runs_final_counts();
