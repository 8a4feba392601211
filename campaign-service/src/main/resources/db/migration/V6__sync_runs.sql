-- The hierarchy sync (io.clp.campaign.sync): one row per run with its checkpoint and progress, and on each account the
-- schedule and the lease that keeps two instances from syncing the same account at once.

-- the interval between runs is V5's sync_interval_minutes (set by the account API; NULL = clp.sync.default-interval)
ALTER TABLE dsp_accounts
    ADD COLUMN next_sync_at     timestamptz  NOT NULL DEFAULT now(),
    -- incremental runs read what the DSP changed at or after this time (the start of the last successful run)
    ADD COLUMN sync_watermark   timestamptz,
    -- transient failures in a row: the backoff of the next attempt; reset by a success
    ADD COLUMN sync_failures    integer      NOT NULL DEFAULT 0,
    -- a permanent failure (credentials refused, request rejected) parks the account until it is changed
    ADD COLUMN sync_blocked     boolean      NOT NULL DEFAULT false,
    ADD COLUMN sync_lease_owner varchar(128),
    ADD COLUMN sync_lease_until timestamptz;
-- a change of the account (reactivated, new OAuth token path) lifts a permanent failure's block and syncs it soon; a changed
-- sync interval reschedules it
CREATE FUNCTION clp_unblock_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.sync_blocked AND (NEW.oauth_token_path IS DISTINCT FROM OLD.oauth_token_path
                             OR (NEW.is_active AND NOT OLD.is_active)) THEN
        NEW.sync_blocked := false;
        NEW.next_sync_at := now();
    END IF;
    -- a new interval counts from the last run at once (not after the next run under the old one); a backoff after
    -- failures and a never-synced account (due now) keep their time
    IF NEW.sync_interval_minutes IS NOT NULL AND NEW.sync_interval_minutes IS DISTINCT FROM OLD.sync_interval_minutes
       AND NEW.last_sync_at IS NOT NULL AND NEW.sync_failures = 0 AND NOT NEW.sync_blocked THEN
        NEW.next_sync_at := NEW.last_sync_at + make_interval(mins => NEW.sync_interval_minutes);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER trg_dsp_accounts_unblock_sync BEFORE UPDATE ON dsp_accounts
    FOR EACH ROW EXECUTE FUNCTION clp_unblock_sync();
-- the credentials live in dsp_account_credentials (V5): new ones lift the block the same way
CREATE FUNCTION clp_unblock_sync_on_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.credentials_encrypted IS DISTINCT FROM OLD.credentials_encrypted THEN
        -- the trigger's own schema: a session's search_path need not name it
        EXECUTE format('UPDATE %I.dsp_accounts SET sync_blocked = false, next_sync_at = now() WHERE id = $1 AND sync_blocked',
                       TG_TABLE_SCHEMA) USING NEW.account_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER trg_dsp_account_credentials_unblock_sync AFTER UPDATE ON dsp_account_credentials
    FOR EACH ROW EXECUTE FUNCTION clp_unblock_sync_on_credentials();
CREATE INDEX idx_dsp_accounts_sync_due ON dsp_accounts (next_sync_at) WHERE is_active AND NOT sync_blocked;

CREATE TABLE sync_runs (
    id             uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id         uuid         NOT NULL,
    dsp_account_id uuid         NOT NULL REFERENCES dsp_accounts (id) ON DELETE CASCADE,
    kind           varchar(12)  NOT NULL CHECK (kind IN ('full', 'incremental')),
    trigger        varchar(12)  NOT NULL CHECK (trigger IN ('scheduled', 'on_demand')),
    status         varchar(12)  NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    -- where the run continues: {"level": "LINE_ITEM", "pageToken": "..."}; kept when a run fails transiently
    checkpoint     jsonb        NOT NULL DEFAULT '{}'::jsonb,
    -- per level: {"CAMPAIGN": {"seen": 0, "created": 0, "changed": 0, "removed": 0}, ...}
    counts         jsonb        NOT NULL DEFAULT '{}'::jsonb,
    pages          integer      NOT NULL DEFAULT 0,
    dsp_wait_ms    bigint       NOT NULL DEFAULT 0,
    write_ms       bigint       NOT NULL DEFAULT 0,
    -- the updatedSince the run reads with (incremental), and the watermark a success advances the account to
    updated_since  timestamptz,
    started_at     timestamptz,
    heartbeat_at   timestamptz,
    finished_at    timestamptz,
    -- the DSP's typed failure message: connectors never put credentials or tokens in it
    error          text,
    attempt        integer      NOT NULL DEFAULT 1,
    -- failed transiently: the account's next run resumes this one from its checkpoint
    retryable      boolean      NOT NULL DEFAULT false,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX idx_sync_runs_account ON sync_runs (dsp_account_id, created_at DESC, id DESC);
-- at most one unfinished run per account: the resumable one
CREATE UNIQUE INDEX uq_sync_runs_active ON sync_runs (dsp_account_id) WHERE status IN ('queued', 'running');

CREATE TRIGGER trg_sync_runs_updated_at BEFORE UPDATE ON sync_runs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
SELECT clp_enable_tenant_isolation('sync_runs');
ALTER TABLE sync_runs REPLICA IDENTITY FULL;

-- External ids a full run has seen, per level: what is not in here at the end was removed at the DSP. Scratch data
-- (UNLOGGED, not captured by CDC); a crash of PostgreSQL empties it, which the run detects by comparing its committed
-- seen counts with this table before marking anything removed.
CREATE UNLOGGED TABLE sync_seen (
    run_id      uuid         NOT NULL,
    org_id      uuid         NOT NULL,
    level       smallint     NOT NULL,
    external_id varchar(255) NOT NULL,
    PRIMARY KEY (run_id, level, external_id)
);
SELECT clp_enable_tenant_isolation('sync_seen');
