-- Read models that survive replays and rebuilds, and fail closed (docs/architecture.md, "Read models").

-- A revoked grant stays as a tombstone (revoked_at set): no replay of grant.issued, from the event
-- topic or the state topic, revives it, because revocation is final (grant ids are never reused).
-- version is the grant's own version in identity-service: a re-issue of a live grant applies only
-- over an older one. A tombstone may arrive before the grant itself, so granted_at may be unknown.
ALTER TABLE entity_grant_refs ADD COLUMN version bigint;
ALTER TABLE entity_grant_refs ADD COLUMN revoked_at timestamptz;
ALTER TABLE entity_grant_refs ALTER COLUMN granted_at DROP NOT NULL;

-- The default limit of every quota on every plan, as identity-service defines them (its Quota enum,
-- docs/adr/0005-plan-ownership.md; PlanQuotaDefaultsTest in identity-service holds the two equal).
-- identity publishes an organization's effective limits with its state, so this table only answers
-- for an organization whose limits have not arrived (or lack a quota): it gets its plan's defaults,
-- an unknown plan the free plan's, never "unlimited".
CREATE TABLE clp_plan_quotas (
    plan        varchar(50) NOT NULL,
    quota       varchar(32) NOT NULL,
    quota_limit integer     NOT NULL,
    PRIMARY KEY (plan, quota)
);
INSERT INTO clp_plan_quotas (plan, quota, quota_limit) VALUES
    ('free', 'members', 5), ('team', 'members', 25), ('enterprise', 'members', 500),
    ('free', 'dsp_accounts', 2), ('team', 'dsp_accounts', 10), ('enterprise', 'dsp_accounts', 100),
    ('free', 'pipelines', 5), ('team', 'pipelines', 25), ('enterprise', 'pipelines', 500),
    ('free', 'rules', 25), ('team', 'rules', 100), ('enterprise', 'rules', 2000),
    ('free', 'api_keys', 2), ('team', 'api_keys', 10), ('enterprise', 'api_keys', 100);

-- Fails closed: the organization must be known to the read model (else the insert is refused, as
-- the service's own check refuses the request with 404 first), and a limit that is not in its row
-- is the plan's default. Same SQLSTATE CLPQ1 (409 quota-exceeded) as a quota that is used up.
CREATE OR REPLACE FUNCTION clp_enforce_quota() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    quota  text := TG_ARGV[0];
    known  boolean;
    lim    integer;
    used   bigint;
BEGIN
    -- qualified by the table's schema: the trigger runs under whatever search_path the writer has
    EXECUTE format('SELECT true, coalesce(CAST(r.quotas ->> $2 AS integer), '
                   '(SELECT p.quota_limit FROM %1$I.clp_plan_quotas p WHERE p.quota = $2 AND p.plan = r.plan), '
                   '(SELECT p.quota_limit FROM %1$I.clp_plan_quotas p WHERE p.quota = $2 AND p.plan = ''free'')) '
                   'FROM %1$I.organization_refs r WHERE r.org_id = $1', TG_TABLE_SCHEMA)
        INTO known, lim USING NEW.org_id, quota;
    IF known IS NULL THEN
        RAISE EXCEPTION 'the organization % is not known here (yet); nothing of it can be created', NEW.org_id
            USING ERRCODE = 'CLPQ1', HINT = quota;
    END IF;
    IF lim IS NULL THEN
        RAISE EXCEPTION 'the organization''s % quota has no limit known here', quota
            USING ERRCODE = 'CLPQ1', HINT = quota;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('clp-quota:' || TG_TABLE_NAME || ':' || NEW.org_id::text, 0));
    EXECUTE format('SELECT count(*) FROM %I.%I WHERE org_id = $1', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO used USING NEW.org_id;
    IF used >= lim THEN
        RAISE EXCEPTION 'the organization''s % quota (%) is used up', quota, lim
            USING ERRCODE = 'CLPQ1', HINT = quota;
    END IF;
    RETURN NEW;
END $$;
