-- The read model of identity-service's organizations, kept by every other service (see
-- platform-core io.clp.platform.tenancy): enough to refuse changes to a suspended organization,
-- anything in a deleted one, and resources past a quota, without asking identity-service.

CREATE TABLE organization_refs (
    org_id            uuid        PRIMARY KEY,
    slug              varchar(63) NOT NULL,
    status            varchar(20),
    plan              varchar(50),
    deleted_at        timestamptz,
    status_changed_at timestamptz,
    quotas            jsonb,
    quotas_changed_at timestamptz,
    received_at       timestamptz NOT NULL DEFAULT now()
);

SELECT clp_enable_tenant_isolation('organization_refs');
