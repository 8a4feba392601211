-- Clients: the advertisers an organization (an agency) serves and bills (seed 004 clients, client_settings).
-- A client is linked to DSP advertisers: a whole DSP account, or one advertiser within an account (DV360 partners and
-- Amazon entities hold several). Each campaign belongs to the client its (account, advertiser) is linked to, the exact
-- advertiser link first, else the account's; campaigns.client_id keeps that answer, set when a campaign is written
-- (trigger below) and when links change (io.clp.campaign.client.ClientBilling).
-- A client's CPM rates are effective-dated: a rate applies from its date until the next one. Each metrics row of a
-- client's campaign carries the CPM in effect on its date and the CPM-adjusted (billed) spend,
-- impressions / 1000 x CPM, exact (numeric, 7 fractional digits: 4 of the CPM and 3 of the division by a thousand),
-- in the client's currency. A day before the client's first rate has no billed spend (NULL), nor does a campaign
-- without a client. See docs/clients.md.

CREATE TABLE clients (
    id         uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id     uuid         NOT NULL,
    name       varchar(255) NOT NULL CHECK (btrim(name) <> ''),
    status     varchar(20)  NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    -- what its CPM rates and billed spend are in; fixed once the client exists
    currency   char(3)      NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX uq_clients_name ON clients (org_id, lower(name));
SELECT clp_enable_tenant_isolation('clients');

CREATE TABLE client_advertisers (
    id             uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id         uuid         NOT NULL,
    client_id      uuid         NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    dsp_account_id uuid         NOT NULL REFERENCES dsp_accounts (id) ON DELETE CASCADE,
    -- the DSP's advertiser id as campaigns.advertiser_id spells it; NULL links the whole account
    advertiser_id  varchar(255) CHECK (advertiser_id IS NULL OR btrim(advertiser_id) <> ''),
    created_at     timestamptz  NOT NULL DEFAULT now()
);
-- an advertiser (or a whole account) belongs to one client at most
CREATE UNIQUE INDEX uq_client_advertisers ON client_advertisers (dsp_account_id, coalesce(advertiser_id, ''));
CREATE INDEX idx_client_advertisers_client ON client_advertisers (client_id);
-- a metrics batch asks once whether its organization links any advertiser (MetricsStore)
CREATE INDEX idx_client_advertisers_org ON client_advertisers (org_id);
SELECT clp_enable_tenant_isolation('client_advertisers');

CREATE TABLE client_cpm_rates (
    client_id      uuid          NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    effective_date date          NOT NULL CHECK (effective_date BETWEEN DATE '2000-01-01' AND DATE '9999-12-31'),
    org_id         uuid          NOT NULL,
    cpm            numeric(10, 4) NOT NULL CHECK (cpm >= 0),
    created_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at     timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, effective_date)
);
SELECT clp_enable_tenant_isolation('client_cpm_rates');

ALTER TABLE campaigns ADD COLUMN client_id uuid REFERENCES clients (id) ON DELETE SET NULL;
CREATE INDEX idx_campaigns_client ON campaigns (client_id) WHERE client_id IS NOT NULL;

-- Metadata-only on the partitioned table: nullable columns without a default rewrite nothing.
ALTER TABLE campaign_metrics
    ADD COLUMN client_id    uuid,
    ADD COLUMN billed_cpm   numeric(10, 4),
    ADD COLUMN billed_spend numeric(24, 7);

-- The client of a campaign of this account and advertiser: the exact advertiser's link first, else the account's.
CREATE FUNCTION clp_client_of(org uuid, account uuid, advertiser text) RETURNS uuid
    LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT l.client_id FROM client_advertisers l
    WHERE l.dsp_account_id = account AND l.org_id = org AND (l.advertiser_id = advertiser OR l.advertiser_id IS NULL)
    ORDER BY l.advertiser_id NULLS LAST
    LIMIT 1
$$;

-- Billing of an organization is serialized by a transaction-scoped advisory lock: shared by whatever writes a campaign
-- or a metrics row (which read links and rates), exclusive for a change of links or rates (which recomputes rows).
-- Whichever comes second sees the other's committed rows: a metric applied while a rate changes is never billed at the
-- old rate, and a campaign written while its advertiser is linked is never left without its client.
CREATE FUNCTION clp_billing_lock(org uuid, exclusive boolean) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF exclusive THEN
        PERFORM pg_advisory_xact_lock(hashtext('clp.client-billing'), hashtext(org::text));
    ELSE
        PERFORM pg_advisory_xact_lock_shared(hashtext('clp.client-billing'), hashtext(org::text));
    END IF;
END $$;

-- A campaign written by a sync or a pipeline's file takes the client of its account and advertiser. The look-up runs
-- after the lock, in a statement (and a snapshot) of its own.
CREATE FUNCTION clp_campaign_client() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.dsp_account_id IS NULL THEN
        NEW.client_id := NULL;
        RETURN NEW;
    END IF;
    PERFORM clp_billing_lock(NEW.org_id, false);
    NEW.client_id := clp_client_of(NEW.org_id, NEW.dsp_account_id, NEW.advertiser_id);
    RETURN NEW;
END $$;

CREATE TRIGGER campaigns_client_on_insert BEFORE INSERT ON campaigns
    FOR EACH ROW EXECUTE FUNCTION clp_campaign_client();
CREATE TRIGGER campaigns_client_on_move BEFORE UPDATE OF dsp_account_id, advertiser_id ON campaigns
    FOR EACH ROW WHEN (OLD.dsp_account_id IS DISTINCT FROM NEW.dsp_account_id OR OLD.advertiser_id IS DISTINCT FROM NEW.advertiser_id)
    EXECUTE FUNCTION clp_campaign_client();
