-- Quotas enforced where the rows are written: a table that holds a limited resource gets a trigger
-- (clp_enforce_quota) that refuses an insert once the organization has as many rows as the limit
-- identity-service published for it (organization_refs.quotas). Inserts of one organization are
-- serialised by a transaction-level advisory lock, so two concurrent inserts cannot both take the
-- last slot. An organization whose limits have not arrived yet is not limited.
-- The error carries SQLSTATE CLPQ1 and a message naming the quota; platform-core answers it with a
-- 409 quota-exceeded problem.

CREATE FUNCTION clp_enforce_quota() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    quota  text := TG_ARGV[0];
    lim    integer;
    used   bigint;
BEGIN
    -- qualified by the table's schema: the trigger runs under whatever search_path the writer has
    EXECUTE format('SELECT CAST(quotas ->> $2 AS integer) FROM %I.organization_refs WHERE org_id = $1', TG_TABLE_SCHEMA)
        INTO lim USING NEW.org_id, quota;
    IF lim IS NULL THEN
        RETURN NEW;
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

-- Limits a table's rows per organization by the named quota (members, dsp_accounts, pipelines, rules, api_keys).
CREATE FUNCTION clp_enable_quota(tbl regclass, quota text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER clp_quota BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION clp_enforce_quota(%L)',
                   tbl, quota);
END $$;
