-- A DSP account's credentials live apart from the account row, encrypted (platform-core EnvelopeCipher,
-- AES-256-GCM envelope, bound to the row by "campaign.dsp_accounts:<org_id>:<account_id>").
-- Apart, because dsp_accounts is audited through change data capture with REPLICA IDENTITY FULL: every
-- update of a sync status would carry a credentials column in its old and new images. This table is left out
-- of CDC by name (deploy/debezium/clp-cdc.properties table.exclude.list) and by its column names, keeps the
-- default replica identity (the primary key only), and nothing but AccountConnections and DspAccounts reads it.
CREATE TABLE dsp_account_credentials (
    account_id            uuid         PRIMARY KEY REFERENCES dsp_accounts (id) ON DELETE CASCADE,
    org_id                uuid         NOT NULL,
    key_id                varchar(255) NOT NULL,
    credentials_encrypted bytea        NOT NULL,
    created_at            timestamptz  NOT NULL DEFAULT now(),
    updated_at            timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX idx_dsp_account_credentials_key ON dsp_account_credentials (key_id);
CREATE TRIGGER trg_dsp_account_credentials_updated_at BEFORE UPDATE ON dsp_account_credentials
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
SELECT clp_enable_tenant_isolation('dsp_account_credentials');

-- never used: credentials are kept in dsp_account_credentials only
ALTER TABLE dsp_accounts DROP COLUMN credentials_encrypted;

-- how often the account is synced; null: the service's default
ALTER TABLE dsp_accounts ADD COLUMN sync_interval_minutes integer
    CHECK (sync_interval_minutes IS NULL OR sync_interval_minutes BETWEEN 5 AND 10080);
