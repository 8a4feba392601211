-- The read model of identity-service's entity grants, kept by services that own entities (see
-- platform-core io.clp.platform.grants). A grant lets one user act on one entity beyond their role;
-- rows arrive and leave with the grant.issued / grant.revoked events, and an expired grant is
-- ignored at once, without waiting for any event.

CREATE TABLE entity_grant_refs (
    grant_id    uuid        PRIMARY KEY,
    org_id      uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    entity_type varchar(32) NOT NULL,
    entity_id   uuid        NOT NULL,
    actions     text[]      NOT NULL,
    expires_at  timestamptz,
    granted_at  timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_entity_grant_refs_lookup ON entity_grant_refs (org_id, user_id, entity_type, entity_id);

SELECT clp_enable_tenant_isolation('entity_grant_refs');
