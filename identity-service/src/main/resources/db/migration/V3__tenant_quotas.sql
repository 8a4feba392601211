-- Per-organization quotas (seed 003 tenant_quotas). A NULL limit means the plan's default
-- (identity-service PlanQuotas); a row exists only where an operator overrode a limit.
CREATE TABLE tenant_quotas (
    org_id           uuid        PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    max_members      integer     CHECK (max_members IS NULL OR max_members >= 0),
    max_dsp_accounts integer     CHECK (max_dsp_accounts IS NULL OR max_dsp_accounts >= 0),
    max_pipelines    integer     CHECK (max_pipelines IS NULL OR max_pipelines >= 0),
    max_rules        integer     CHECK (max_rules IS NULL OR max_rules >= 0),
    max_api_keys     integer     CHECK (max_api_keys IS NULL OR max_api_keys >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER trg_tenant_quotas_updated_at BEFORE UPDATE ON tenant_quotas
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
ALTER TABLE tenant_quotas REPLICA IDENTITY FULL;

SELECT clp_enable_tenant_isolation('tenant_quotas');
