-- identity-service: organizations, users, memberships, API keys, permissions (seed 000).

CREATE TYPE user_role AS ENUM ('admin', 'developer', 'viewer', 'analyst');
CREATE TYPE org_status AS ENUM ('active', 'suspended', 'trial', 'deleted');
CREATE TYPE entity_type AS ENUM ('campaign', 'insertion_order', 'line_item', 'creative',
                                 'template', 'pipeline', 'rule', 'dsp_account');

CREATE TABLE organizations (
    id             uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name           varchar(255)  NOT NULL,
    slug           varchar(63)   NOT NULL,
    domain         varchar(255),
    status         varchar(20)   NOT NULL DEFAULT 'trial'
                                 CHECK (status IN ('active', 'suspended', 'trial', 'deleted')),
    plan           varchar(50)   NOT NULL DEFAULT 'free',
    monthly_budget numeric(15, 2) CHECK (monthly_budget IS NULL OR monthly_budget >= 0),
    currency       char(3),
    industry       varchar(100),
    company_size   varchar(50),
    settings       jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at     timestamptz   NOT NULL DEFAULT now(),
    deleted_at     timestamptz,
    CONSTRAINT uq_organizations_slug UNIQUE (slug),
    CONSTRAINT ck_organizations_slug CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$')
);
CREATE INDEX idx_organizations_status ON organizations (status) WHERE deleted_at IS NULL;

CREATE TABLE users (
    id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    email            varchar(255) NOT NULL,
    password_hash    varchar(255),
    name             varchar(255),
    auth_provider    varchar(50)  NOT NULL DEFAULT 'keycloak',
    auth_provider_id varchar(255),
    is_active        boolean      NOT NULL DEFAULT true,
    email_verified   boolean      NOT NULL DEFAULT false,
    mfa_enabled      boolean      NOT NULL DEFAULT false,
    mfa_secret       varchar(255),
    last_login_at    timestamptz,
    last_activity_at timestamptz,
    login_count      integer      NOT NULL DEFAULT 0,
    avatar_url       text,
    timezone         varchar(64)  NOT NULL DEFAULT 'UTC',
    locale           varchar(16)  NOT NULL DEFAULT 'en',
    metadata         jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT uq_users_auth_provider UNIQUE (auth_provider, auth_provider_id)
);
CREATE INDEX idx_users_active ON users (email) WHERE deleted_at IS NULL AND is_active;

CREATE TABLE org_memberships (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        user_role   NOT NULL DEFAULT 'viewer',
    permissions jsonb       NOT NULL DEFAULT '{}'::jsonb,
    is_active   boolean     NOT NULL DEFAULT true,
    invited_by  uuid        REFERENCES users (id) ON DELETE SET NULL,
    joined_at   timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_org_memberships_org_user UNIQUE (org_id, user_id)
);
CREATE INDEX idx_org_memberships_org ON org_memberships (org_id);
CREATE INDEX idx_org_memberships_user ON org_memberships (user_id);
CREATE INDEX idx_org_memberships_invited_by ON org_memberships (invited_by);
CREATE INDEX idx_org_memberships_active ON org_memberships (org_id, role) WHERE is_active;

CREATE TABLE auth_tokens (
    id           uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id       uuid         REFERENCES organizations (id) ON DELETE CASCADE,
    token_type   varchar(20)  NOT NULL CHECK (token_type IN ('session', 'refresh', 'api_key')),
    token_hash   varchar(255) NOT NULL,
    token_prefix varchar(16),
    scopes       jsonb        NOT NULL DEFAULT '[]'::jsonb,
    name         varchar(255),
    user_agent   text,
    ip_address   inet,
    expires_at   timestamptz,
    last_used_at timestamptz,
    is_active    boolean      NOT NULL DEFAULT true,
    revoked_at   timestamptz,
    revoked_by   uuid         REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_auth_tokens_hash UNIQUE (token_hash)
);
CREATE INDEX idx_auth_tokens_user ON auth_tokens (user_id);
CREATE INDEX idx_auth_tokens_org ON auth_tokens (org_id);
CREATE INDEX idx_auth_tokens_revoked_by ON auth_tokens (revoked_by);
CREATE INDEX idx_auth_tokens_active_prefix ON auth_tokens (token_prefix) WHERE is_active;

CREATE TABLE permissions (
    id          uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    resource    varchar(100) NOT NULL,
    action      varchar(50)  NOT NULL,
    description text,
    CONSTRAINT uq_permissions_resource_action UNIQUE (resource, action)
);

CREATE TABLE role_permissions (
    role          user_role NOT NULL,
    permission_id uuid      NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
    PRIMARY KEY (role, permission_id)
);
CREATE INDEX idx_role_permissions_permission ON role_permissions (permission_id);

CREATE TABLE entity_permissions (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        user_role,
    entity_type entity_type NOT NULL,
    entity_id   uuid        NOT NULL,
    permissions jsonb       NOT NULL DEFAULT '[]'::jsonb,
    granted_by  uuid        REFERENCES users (id) ON DELETE SET NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_entity_permissions_grant UNIQUE (org_id, user_id, entity_type, entity_id)
);
CREATE INDEX idx_entity_permissions_org ON entity_permissions (org_id);
CREATE INDEX idx_entity_permissions_user ON entity_permissions (user_id);
CREATE INDEX idx_entity_permissions_granted_by ON entity_permissions (granted_by);
CREATE INDEX idx_entity_permissions_entity ON entity_permissions (entity_type, entity_id);

CREATE TRIGGER trg_organizations_updated_at BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_org_memberships_updated_at BEFORE UPDATE ON org_memberships
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE VIEW user_org_roles AS
SELECT u.id          AS user_id,
       u.email,
       u.name,
       o.id          AS org_id,
       o.name        AS org_name,
       o.slug        AS org_slug,
       om.role,
       om.is_active  AS membership_active
FROM users u
JOIN org_memberships om ON u.id = om.user_id
JOIN organizations o ON om.org_id = o.id
WHERE u.deleted_at IS NULL
  AND o.deleted_at IS NULL
  AND om.is_active = true;

-- the audit trail needs the old row on updates and deletes
ALTER TABLE organizations REPLICA IDENTITY FULL;
ALTER TABLE users REPLICA IDENTITY FULL;
ALTER TABLE org_memberships REPLICA IDENTITY FULL;
ALTER TABLE auth_tokens REPLICA IDENTITY FULL;
ALTER TABLE permissions REPLICA IDENTITY FULL;
ALTER TABLE role_permissions REPLICA IDENTITY FULL;
ALTER TABLE entity_permissions REPLICA IDENTITY FULL;
