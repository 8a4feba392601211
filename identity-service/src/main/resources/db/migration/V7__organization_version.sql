-- Every change of an organization increments its version (Hibernate @Version on Organization): a
-- write based on a stale read fails instead of putting back an old status or deleted_at, and the
-- organization events carry the version so other services order them by it (db/platform/V0_7).
ALTER TABLE organizations ADD COLUMN version bigint NOT NULL DEFAULT 0;
