-- The campaign hierarchy below campaigns, as synced from the DSPs: campaign > insertion order > line item > creative.
-- Each DSP's objects map onto these levels (docs/dsp-connectors.md). Rows are keyed by (org, DSP, external id), the
-- key of the sync's set-based upserts; a row removed at the DSP is marked (removed_at, status 'removed'), never deleted.
-- Parent links are resolved by the sync from the parent's external id, which each row keeps too.

ALTER TABLE campaigns
    ALTER COLUMN budget TYPE numeric(20, 6),
    ADD COLUMN native_status  varchar(100),
    ADD COLUMN pacing         jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN attributes     jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN dsp_updated_at timestamptz,
    ADD COLUMN removed_at     timestamptz;

CREATE TABLE insertion_orders (
    id                   uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id               uuid          NOT NULL,
    dsp_account_id       uuid          REFERENCES dsp_accounts (id) ON DELETE SET NULL,
    dsp_type             dsp_type      NOT NULL,
    external_id          varchar(255)  NOT NULL,
    campaign_id          uuid          REFERENCES campaigns (id) ON DELETE CASCADE,
    campaign_external_id varchar(255)  NOT NULL,
    name                 varchar(500)  NOT NULL,
    status               varchar(20)   NOT NULL CHECK (status IN ('active', 'paused', 'draft', 'archived', 'removed')),
    native_status        varchar(100),
    budget               numeric(20, 6) CHECK (budget IS NULL OR budget >= 0),
    currency             char(3),
    budget_type          varchar(20),
    start_date           date,
    end_date             date,
    pacing               jsonb         NOT NULL DEFAULT '{}'::jsonb,
    labels               jsonb         NOT NULL DEFAULT '[]'::jsonb,
    attributes           jsonb         NOT NULL DEFAULT '{}'::jsonb,
    dsp_updated_at       timestamptz,
    removed_at           timestamptz,
    last_synced_at       timestamptz,
    sync_version         integer       NOT NULL DEFAULT 0,
    created_at           timestamptz   NOT NULL DEFAULT now(),
    updated_at           timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT uq_insertion_orders_external UNIQUE (org_id, dsp_type, external_id)
);
CREATE INDEX idx_insertion_orders_campaign ON insertion_orders (campaign_id);
CREATE INDEX idx_insertion_orders_account ON insertion_orders (dsp_account_id);

CREATE TABLE line_items (
    id                          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id                      uuid          NOT NULL,
    dsp_account_id              uuid          REFERENCES dsp_accounts (id) ON DELETE SET NULL,
    dsp_type                    dsp_type      NOT NULL,
    external_id                 varchar(255)  NOT NULL,
    insertion_order_id          uuid          REFERENCES insertion_orders (id) ON DELETE CASCADE,
    insertion_order_external_id varchar(255)  NOT NULL,
    campaign_id                 uuid          REFERENCES campaigns (id) ON DELETE CASCADE,
    name                        varchar(500)  NOT NULL,
    status                      varchar(20)   NOT NULL CHECK (status IN ('active', 'paused', 'draft', 'archived', 'removed')),
    native_status               varchar(100),
    budget                      numeric(20, 6) CHECK (budget IS NULL OR budget >= 0),
    currency                    char(3),
    budget_type                 varchar(20),
    start_date                  date,
    end_date                    date,
    pacing                      jsonb         NOT NULL DEFAULT '{}'::jsonb,
    labels                      jsonb         NOT NULL DEFAULT '[]'::jsonb,
    attributes                  jsonb         NOT NULL DEFAULT '{}'::jsonb,
    dsp_updated_at              timestamptz,
    removed_at                  timestamptz,
    last_synced_at              timestamptz,
    sync_version                integer       NOT NULL DEFAULT 0,
    created_at                  timestamptz   NOT NULL DEFAULT now(),
    updated_at                  timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT uq_line_items_external UNIQUE (org_id, dsp_type, external_id)
);
CREATE INDEX idx_line_items_insertion_order ON line_items (insertion_order_id);
CREATE INDEX idx_line_items_campaign ON line_items (campaign_id);
CREATE INDEX idx_line_items_account ON line_items (dsp_account_id);

-- DV360, TTD and Amazon keep creatives at advertiser level and assign them to line items: line_item_id is the line
-- item the DSP names (null when it names none); attributes.lineItemIds keeps every assignment the DSP reports.
CREATE TABLE creatives (
    id                    uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id                uuid          NOT NULL,
    dsp_account_id        uuid          REFERENCES dsp_accounts (id) ON DELETE SET NULL,
    dsp_type              dsp_type      NOT NULL,
    external_id           varchar(255)  NOT NULL,
    line_item_id          uuid          REFERENCES line_items (id) ON DELETE SET NULL,
    line_item_external_id varchar(255),
    campaign_id           uuid          REFERENCES campaigns (id) ON DELETE SET NULL,
    name                  varchar(500)  NOT NULL,
    status                varchar(20)   NOT NULL CHECK (status IN ('active', 'paused', 'draft', 'archived', 'removed')),
    native_status         varchar(100),
    labels                jsonb         NOT NULL DEFAULT '[]'::jsonb,
    attributes            jsonb         NOT NULL DEFAULT '{}'::jsonb,
    dsp_updated_at        timestamptz,
    removed_at            timestamptz,
    last_synced_at        timestamptz,
    sync_version          integer       NOT NULL DEFAULT 0,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT uq_creatives_external UNIQUE (org_id, dsp_type, external_id)
);
CREATE INDEX idx_creatives_line_item ON creatives (line_item_id);
CREATE INDEX idx_creatives_campaign ON creatives (campaign_id);
CREATE INDEX idx_creatives_account ON creatives (dsp_account_id);

CREATE TRIGGER trg_insertion_orders_updated_at BEFORE UPDATE ON insertion_orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_line_items_updated_at BEFORE UPDATE ON line_items
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_creatives_updated_at BEFORE UPDATE ON creatives
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

SELECT clp_enable_tenant_isolation('insertion_orders');
SELECT clp_enable_tenant_isolation('line_items');
SELECT clp_enable_tenant_isolation('creatives');

ALTER TABLE insertion_orders REPLICA IDENTITY FULL;
ALTER TABLE line_items REPLICA IDENTITY FULL;
ALTER TABLE creatives REPLICA IDENTITY FULL;
