-- Every issue of a grant increments its version (Hibernate @Version on EntityGrant): grant events and
-- grant states carry it, so other services apply a re-issued grant only over an older one
-- (platform-core GrantReadModel). Revocation deletes the row and is final.
ALTER TABLE entity_permissions ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- One-off publications of current state that have been done (StatePublication): the state of every
-- organization and grant that existed before identity-service published its state topics is
-- published once, by the first instance that starts with this migration, in the transaction that
-- inserts the marker row.
CREATE TABLE state_publications (
    name         varchar(64) PRIMARY KEY,
    completed_at timestamptz NOT NULL DEFAULT now()
);
