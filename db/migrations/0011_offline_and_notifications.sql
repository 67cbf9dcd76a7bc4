-- Offline detection and notification delivery.

-- How often a node's device reports: a node is Offline once it has been silent for a configurable multiple of it.
ALTER TABLE nodes.thingspeak_channels
    ADD COLUMN reporting_interval_seconds integer NOT NULL DEFAULT 60 CHECK (reporting_interval_seconds BETWEEN 15 AND 86400);

-- A user's notification rule: which alerts (minimum severity, optional node list), where to (email, webhook), and how
-- often a still-open alert is told again (Alertmanager's repeat_interval; 0 = once).
ALTER TABLE alerts.alert_notification_rules
    ADD COLUMN repeat_interval_minutes integer     NOT NULL DEFAULT 240 CHECK (repeat_interval_minutes BETWEEN 0 AND 10080),
    ADD COLUMN version                 bigint      NOT NULL DEFAULT 1,
    ADD COLUMN updated_at              timestamptz NOT NULL DEFAULT now();

-- One delivery: an alert told to a user on one channel, the n-th time (repeat). The idempotency key names exactly
-- that, so queueing it twice or retrying it never delivers twice.
ALTER TABLE alerts.alert_notifications
    ADD COLUMN notification_rule_id uuid        NULL REFERENCES alerts.alert_notification_rules (id) ON DELETE SET NULL,
    ADD COLUMN repeat_number        integer     NOT NULL DEFAULT 0,
    ADD COLUMN created_at           timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_attempt_at      timestamptz NULL;
CREATE INDEX idx_alert_notifications_user_created ON alerts.alert_notifications (user_id, created_at DESC);
-- The repeat job: the latest delivery of each open alert per rule and channel.
CREATE INDEX idx_alert_notifications_repeat ON alerts.alert_notifications (alert_id, notification_rule_id, notification_channel, repeat_number DESC);

-- An alert keeps its rule's name, metric and owner as they were when it fired: customers see their nodes' alerts but
-- not their distributor's rules, and a renamed rule does not rewrite history.
ALTER TABLE alerts.alert_history
    ADD COLUMN rule_name            text NULL,
    ADD COLUMN metric               text NULL,
    ADD COLUMN owner_distributor_id uuid NULL;
UPDATE alerts.alert_history h
SET rule_name = r.name, metric = r.metric, owner_distributor_id = r.owner_distributor_id
FROM alerts.alert_rules r
WHERE r.id = h.rule_id;
ALTER TABLE alerts.alert_history
    ALTER COLUMN rule_name SET NOT NULL,
    ALTER COLUMN metric SET NOT NULL,
    ALTER COLUMN owner_distributor_id SET NOT NULL;
