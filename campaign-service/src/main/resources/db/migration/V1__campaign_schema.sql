-- campaign-service: DSP accounts, campaigns, daily campaign metrics (seed 000).
-- org_id refers to identity-service's organizations: a plain, indexed column (no cross-schema key).

CREATE TYPE dsp_type AS ENUM ('dv360', 'ttd', 'meta', 'amazon', 'google_ads');

CREATE TABLE dsp_accounts (
    id                    uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id                uuid         NOT NULL,
    dsp_type              dsp_type     NOT NULL,
    external_account_id   varchar(255) NOT NULL,
    display_name          varchar(255),
    oauth_token_path      varchar(500),
    credentials_encrypted bytea,
    token_expires_at      timestamptz,
    rate_limit_config     jsonb        NOT NULL DEFAULT '{}'::jsonb,
    is_active             boolean      NOT NULL DEFAULT true,
    last_sync_at          timestamptz,
    last_sync_status      varchar(20),
    sync_error            text,
    parent_account_id     varchar(255),
    account_timezone      varchar(64)  NOT NULL DEFAULT 'UTC',
    currency              char(3)      NOT NULL DEFAULT 'USD',
    metadata              jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at            timestamptz  NOT NULL DEFAULT now(),
    updated_at            timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_dsp_accounts_external UNIQUE (org_id, dsp_type, external_account_id)
);
CREATE INDEX idx_dsp_accounts_org ON dsp_accounts (org_id);
CREATE INDEX idx_dsp_accounts_active ON dsp_accounts (org_id, dsp_type) WHERE is_active;

CREATE TABLE campaigns (
    id              uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid           NOT NULL,
    dsp_account_id  uuid           REFERENCES dsp_accounts (id) ON DELETE SET NULL,
    dsp_type        dsp_type       NOT NULL,
    external_id     varchar(255)   NOT NULL,
    name            varchar(500)   NOT NULL,
    advertiser_id   varchar(255),
    advertiser_name varchar(255),
    parent_id       varchar(255),
    parent_name     varchar(255),
    status          varchar(50),
    is_active       boolean        NOT NULL DEFAULT true,
    budget          numeric(15, 2) CHECK (budget IS NULL OR budget >= 0),
    currency        char(3),
    budget_type     varchar(20),
    start_date      date,
    end_date        date,
    config          jsonb          NOT NULL DEFAULT '{}'::jsonb,
    targeting       jsonb          NOT NULL DEFAULT '{}'::jsonb,
    labels          jsonb          NOT NULL DEFAULT '[]'::jsonb,
    metadata        jsonb          NOT NULL DEFAULT '{}'::jsonb,
    last_synced_at  timestamptz,
    sync_version    integer        NOT NULL DEFAULT 0,
    created_at      timestamptz    NOT NULL DEFAULT now(),
    updated_at      timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT uq_campaigns_external UNIQUE (org_id, dsp_type, external_id),
    CONSTRAINT ck_campaigns_dates CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX idx_campaigns_org ON campaigns (org_id);
CREATE INDEX idx_campaigns_dsp_account ON campaigns (dsp_account_id);
CREATE INDEX idx_campaigns_org_status ON campaigns (org_id, status);
CREATE INDEX idx_campaigns_labels ON campaigns USING gin (labels);

CREATE TABLE campaign_metrics (
    id                 uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id        uuid           NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    org_id             uuid           NOT NULL,
    metric_date        date           NOT NULL,
    impressions        bigint         NOT NULL DEFAULT 0,
    clicks             bigint         NOT NULL DEFAULT 0,
    conversions        bigint         NOT NULL DEFAULT 0,
    views              bigint         NOT NULL DEFAULT 0,
    spend              numeric(15, 4) NOT NULL DEFAULT 0,
    revenue            numeric(15, 4) NOT NULL DEFAULT 0,
    ctr                numeric(10, 6),
    cpc                numeric(15, 4),
    cpm                numeric(15, 4),
    cpa                numeric(15, 4),
    cvr                numeric(10, 6),
    roas               numeric(12, 4),
    custom_metrics     jsonb          NOT NULL DEFAULT '{}'::jsonb,
    data_quality_score numeric(5, 2),
    has_data_issues    boolean        NOT NULL DEFAULT false,
    synced_at          timestamptz,
    created_at         timestamptz    NOT NULL DEFAULT now(),
    updated_at         timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT uq_campaign_metrics_day UNIQUE (campaign_id, metric_date)
);
CREATE INDEX idx_campaign_metrics_org ON campaign_metrics (org_id);
CREATE INDEX idx_campaign_metrics_org_date ON campaign_metrics (org_id, metric_date DESC);

CREATE TRIGGER trg_dsp_accounts_updated_at BEFORE UPDATE ON dsp_accounts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_campaigns_updated_at BEFORE UPDATE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_campaign_metrics_updated_at BEFORE UPDATE ON campaign_metrics
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE dsp_accounts REPLICA IDENTITY FULL;
ALTER TABLE campaigns REPLICA IDENTITY FULL;
ALTER TABLE campaign_metrics REPLICA IDENTITY FULL;
