-- audit-service: the audit trail built from the services' change streams (seed 000 audit_logs).
-- org_id and user_id belong to identity-service: plain, indexed columns.

CREATE TABLE audit_logs (
    id             uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id         uuid,
    user_id        uuid,
    action         varchar(50)  NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    resource_type  varchar(100) NOT NULL,
    resource_id    uuid,
    old_values     jsonb,
    new_values     jsonb,
    changes        jsonb,
    ip_address     inet,
    user_agent     text,
    request_id     varchar(64),
    session_id     varchar(255),
    success        boolean      NOT NULL DEFAULT true,
    error_message  text,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    -- where the change came from, and who made it (joined from the source's transaction_context)
    source_service varchar(32)  NOT NULL,
    tx_id          bigint       NOT NULL,
    actor          varchar(128),
    actor_name     varchar(255),
    committed_at   timestamptz  NOT NULL
);
CREATE INDEX idx_audit_logs_org ON audit_logs (org_id, created_at DESC, id DESC);
CREATE INDEX idx_audit_logs_user ON audit_logs (user_id);
CREATE INDEX idx_audit_logs_resource ON audit_logs (resource_type, resource_id);
CREATE INDEX idx_audit_logs_unattributed ON audit_logs (source_service, tx_id) WHERE actor IS NULL;

-- The services' transaction_context rows, as streamed, so that changes can be attributed whichever
-- of the two arrives first.
CREATE TABLE transaction_contexts (
    id             uuid         PRIMARY KEY,
    source_service varchar(32)  NOT NULL,
    tx_id          bigint       NOT NULL,
    actor          varchar(128) NOT NULL,
    user_id        uuid,
    actor_name     varchar(255),
    request_id     varchar(64),
    created_at     timestamptz  NOT NULL
);
CREATE INDEX idx_transaction_contexts_tx ON transaction_contexts (source_service, tx_id);
