-- The outbox keeps an event's payload as the JSON text the service wrote: a row lives from its insert to its delete in
-- the same transaction, and change data capture relays the text. jsonb parsed every payload into its binary form
-- (and the relay turned it back into text), and the default storage compressed it: for a metrics load of a million
-- rows that was most of the cost of publishing it. json validates the text and keeps it; EXTERNAL stores large
-- payloads out of line, uncompressed.
ALTER TABLE outbox_event ALTER COLUMN payload TYPE json USING payload::json;
ALTER TABLE outbox_event ALTER COLUMN payload SET STORAGE EXTERNAL;
