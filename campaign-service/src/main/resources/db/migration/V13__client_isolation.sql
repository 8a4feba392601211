-- Client access: a member with the client role sees only the clients they hold a view grant on, and those clients'
-- campaigns, hierarchy and metrics. OrganizationWork (platform-tenancy ClientScope) puts the granted client ids in
-- the transaction's clp.client_scope ('none' when there are none); every other transaction leaves it unset and is
-- not limited by it. The rule below is a RESTRICTIVE policy beside each table's tenant isolation: both must pass.
-- A row without a client (a campaign no advertiser link covers) is never a client member's.
-- See docs/clients.md, "Client access".

-- The client ids the transaction is limited to: NULL when it is not limited, an empty array for 'none'.
CREATE FUNCTION clp_client_scope() RETURNS uuid[]
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN coalesce(current_setting('clp.client_scope', true), '') = '' THEN NULL
                WHEN current_setting('clp.client_scope', true) = 'none' THEN '{}'::uuid[]
                ELSE string_to_array(current_setting('clp.client_scope', true), ',')::uuid[] END
$$;

-- The rule on a table whose rows name their client in `col`; the scope is read once per statement (InitPlans).
CREATE FUNCTION clp_enable_client_isolation(tbl regclass, col text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE POLICY client_isolation ON %s AS RESTRICTIVE USING ((SELECT clp_client_scope()) IS NULL '
                   'OR %I = ANY ((SELECT clp_client_scope())::uuid[]))', tbl, col);
END $$;

SELECT clp_enable_client_isolation('clients', 'id');
SELECT clp_enable_client_isolation('client_advertisers', 'client_id');
SELECT clp_enable_client_isolation('client_cpm_rates', 'client_id');
SELECT clp_enable_client_isolation('campaigns', 'client_id');
SELECT clp_enable_client_isolation('campaign_metrics', 'client_id');

-- Below a campaign, a row is visible when its campaign is: the sub-select reads campaigns under their own policies.
CREATE POLICY client_isolation ON insertion_orders AS RESTRICTIVE
    USING ((SELECT clp_client_scope()) IS NULL OR EXISTS (SELECT 1 FROM campaigns c WHERE c.id = campaign_id));
CREATE POLICY client_isolation ON line_items AS RESTRICTIVE
    USING ((SELECT clp_client_scope()) IS NULL OR EXISTS (SELECT 1 FROM campaigns c WHERE c.id = campaign_id));
CREATE POLICY client_isolation ON creatives AS RESTRICTIVE
    USING ((SELECT clp_client_scope()) IS NULL OR EXISTS (SELECT 1 FROM campaigns c WHERE c.id = campaign_id));

-- The month partitions made so far, and those made from now on, carry the rule too (queried by their own name).
DO $$
DECLARE
    p regclass;
BEGIN
    FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'campaign_metrics'::regclass LOOP
        PERFORM clp_enable_client_isolation(p, 'client_id');
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION clp_ensure_metric_partitions(from_date date, to_date date) RETURNS integer
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    month   date;
    name    text;
    locked  boolean := false;
    created integer := 0;
BEGIN
    IF from_date IS NULL OR to_date IS NULL OR to_date < from_date THEN
        RAISE EXCEPTION 'clp_ensure_metric_partitions: invalid range % to %', from_date, to_date USING ERRCODE = '22023';
    END IF;
    IF to_date - from_date > 3660 THEN
        RAISE EXCEPTION 'clp_ensure_metric_partitions: % to % spans more than ten years', from_date, to_date
            USING ERRCODE = '22023';
    END IF;
    month := date_trunc('month', from_date)::date;
    WHILE month <= to_date LOOP
        name := format('campaign_metrics_y%sm%s', to_char(month, 'YYYY'), to_char(month, 'MM'));
        IF to_regclass(quote_ident(name)) IS NULL THEN
            IF NOT locked THEN
                PERFORM pg_advisory_xact_lock(hashtext('clp_ensure_metric_partitions'));
                locked := true;
            END IF;
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF campaign_metrics FOR VALUES FROM (%L) TO (%L)',
                               name, month, (month + interval '1 month')::date);
                PERFORM clp_enable_tenant_isolation(quote_ident(name)::regclass);
                PERFORM clp_enable_client_isolation(quote_ident(name)::regclass, 'client_id');
                created := created + 1;
            EXCEPTION WHEN duplicate_table OR unique_violation THEN
                -- another caller created it between our look and our lock
                NULL;
            END;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;
