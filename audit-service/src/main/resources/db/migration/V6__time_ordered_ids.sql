-- Entries get time-ordered ids (clp_uuid_v7, platform V0_11): a poll's entries are appended at the primary key's right
-- edge instead of touching a page per entry all over it (and, after a checkpoint, a full-page image per page touched).
-- AuditTrail's insert names the id with the same function; this default covers any other writer. Entries recorded
-- before keep their ids; the trail is read by (created_at, id), which both kinds of id serve.
ALTER TABLE audit_logs ALTER COLUMN id SET DEFAULT clp_uuid_v7();
