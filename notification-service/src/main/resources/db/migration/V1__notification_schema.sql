-- notification-service: the notification queue (seed 000).
-- org_id and user_id belong to identity-service: plain, indexed columns.

CREATE TYPE notification_type AS ENUM ('email', 'slack', 'webhook', 'sms', 'push', 'in_app');
CREATE TYPE entity_type AS ENUM ('campaign', 'insertion_order', 'line_item', 'creative',
                                 'template', 'pipeline', 'rule', 'dsp_account');

CREATE TABLE notifications (
    id            uuid              PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid              NOT NULL,
    user_id       uuid,
    type          notification_type NOT NULL,
    channel       varchar(100),
    recipient     varchar(500)      NOT NULL,
    subject       varchar(500),
    body          text              NOT NULL,
    template_id   varchar(100),
    template_data jsonb             NOT NULL DEFAULT '{}'::jsonb,
    status        varchar(20)       NOT NULL DEFAULT 'pending'
                                    CHECK (status IN ('pending', 'scheduled', 'sending', 'sent', 'failed', 'cancelled')),
    priority      integer           NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
    scheduled_at  timestamptz,
    sent_at       timestamptz,
    error_message text,
    retry_count   integer           NOT NULL DEFAULT 0,
    max_retries   integer           NOT NULL DEFAULT 3,
    metadata      jsonb             NOT NULL DEFAULT '{}'::jsonb,
    entity_type   entity_type,
    entity_id     uuid,
    created_at    timestamptz       NOT NULL DEFAULT now()
);
CREATE INDEX idx_notifications_org ON notifications (org_id);
CREATE INDEX idx_notifications_user ON notifications (user_id);
CREATE INDEX idx_notifications_pending ON notifications (status, priority, created_at)
    WHERE status = 'pending';
CREATE INDEX idx_notifications_entity ON notifications (entity_type, entity_id);

ALTER TABLE notifications REPLICA IDENTITY FULL;
