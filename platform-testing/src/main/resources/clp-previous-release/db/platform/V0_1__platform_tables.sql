-- Platform tables every service schema carries (shipped by platform-core, run before the
-- service's own migrations).

-- Transactional outbox, relayed by Debezium's outbox event router (deploy/debezium/clp-outbox.properties).
CREATE TABLE outbox_event (
    id              uuid         PRIMARY KEY,
    aggregatetype   varchar(64)  NOT NULL,
    aggregateid     varchar(64)  NOT NULL,
    type            varchar(128) NOT NULL,
    payload         jsonb        NOT NULL,
    source          varchar(128) NOT NULL,
    subject         varchar(255),
    org_id          varchar(36),
    actor           varchar(128) NOT NULL,
    occurred_at     timestamptz  NOT NULL,
    specversion     varchar(8)   NOT NULL DEFAULT '1.0',
    datacontenttype varchar(64)  NOT NULL DEFAULT 'application/json'
);

-- Idempotent consumers: event ids processed, written in the same transaction as the effect.
CREATE TABLE processed_event (
    event_id     uuid        NOT NULL,
    consumer     varchar(64) NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, consumer)
);

-- Who made the changes of a transaction; joined to the change stream by transaction id.
CREATE TABLE transaction_context (
    id         uuid         PRIMARY KEY,
    tx_id      bigint       NOT NULL,
    actor      varchar(128) NOT NULL,
    user_id    uuid,
    actor_name varchar(255),
    request_id varchar(64),
    service    varchar(64)  NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX idx_transaction_context_tx ON transaction_context (tx_id);

-- Keeps updated_at true on every UPDATE of a table that has a trigger calling it.
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
