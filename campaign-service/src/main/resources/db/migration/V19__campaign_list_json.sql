-- The campaign list is written as JSON by PostgreSQL (CampaignList): an instant as the API writes it everywhere else
-- (Java's Instant: ISO-8601 in UTC with a Z, the fraction of a second in groups of three digits, none when whole).
CREATE FUNCTION clp_json_instant(t timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN to_char(t, 'US') = '000000' THEN ''
                   WHEN right(to_char(t, 'US'), 3) = '000' THEN '.' || to_char(t, 'MS')
                   ELSE '.' || to_char(t, 'US') END
           || 'Z'
$$;

COMMENT ON FUNCTION clp_json_instant(timestamptz) IS 'An instant as the API writes it: 2026-03-01T09:30:00.250Z';
