-- The W3C trace context (traceparent) of the request or event that caused each outbox event; the
-- outbox router relays it as the event's traceparent Kafka header (docs/adr/0008). Nullable: rows
-- the previous release wrote have none (the outbox table is empty between transactions anyway).
ALTER TABLE outbox_event ADD COLUMN traceparent varchar(55);
