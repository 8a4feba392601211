-- Changes are recorded a poll at a time (AuditTrail.recordAll): a redelivered change is recognised
-- by its own identity (ChangeEvent.eventId: schema, table, LSN, transaction, row) on the row it
-- produced, instead of one processed_event row per change. Rows recorded before this column existed
-- were de-duplicated through processed_event, which the batch insert still consults, so a change
-- redelivered across the upgrade is not recorded twice.
ALTER TABLE audit_logs ADD COLUMN change_id uuid;
CREATE UNIQUE INDEX uq_audit_logs_change ON audit_logs (change_id);
