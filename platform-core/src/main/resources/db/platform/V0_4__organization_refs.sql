-- The read model of identity-service's organizations, kept by every other service (see
-- platform-core io.clp.platform.tenancy): enough to refuse changes to a suspended organization
-- and anything in a deleted one without asking identity-service.

CREATE TABLE organization_refs (
    org_id      uuid        PRIMARY KEY,
    slug        varchar(63) NOT NULL,
    status      varchar(20) NOT NULL,
    plan        varchar(50),
    deleted_at  timestamptz,
    changed_at  timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

SELECT clp_enable_tenant_isolation('organization_refs');
