-- Alerts: rules, the alert history with at most one open alert per (rule, node), the state that carries a
-- rule's duration across batches and restarts, downtime for SLA reports, and notification preferences and deliveries.

-- A rule targets one node, or a selector (tag, community, analytics type; all given must match), so nodes added later
-- are covered. Owned by a distributor: its users manage it; customers see the alerts, not the rules.
CREATE TABLE alerts.alert_rules (
    id                       uuid             PRIMARY KEY,
    owner_distributor_id     uuid             NOT NULL REFERENCES tenancy.distributors (id) ON DELETE CASCADE,
    name                     text             NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    node_id                  uuid             NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    selector_tag_id          uuid             NULL REFERENCES nodes.device_tags (id) ON DELETE CASCADE,
    selector_community_id    uuid             NULL REFERENCES tenancy.communities (id) ON DELETE CASCADE,
    selector_analytics_type  text             NULL CHECK (selector_analytics_type IN ('EvaraTank', 'EvaraFlow', 'EvaraDeep')),
    metric                   text             NOT NULL CHECK (length(metric) BETWEEN 1 AND 100),
    operator                 text             NOT NULL CHECK (operator IN ('>', '>=', '<', '<=', '=', '!=', 'outside')),
    threshold                double precision NOT NULL,
    upper_threshold          double precision NULL,
    clear_threshold          double precision NULL,
    duration_seconds         integer          NOT NULL DEFAULT 0 CHECK (duration_seconds BETWEEN 0 AND 86400),
    severity                 text             NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    cooldown_minutes         integer          NOT NULL DEFAULT 15 CHECK (cooldown_minutes BETWEEN 0 AND 10080),
    is_enabled               boolean          NOT NULL DEFAULT true,
    version                  bigint           NOT NULL DEFAULT 1,
    created_at               timestamptz      NOT NULL DEFAULT now(),
    updated_at               timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT ck_alert_rules_target CHECK (
        (node_id IS NOT NULL) <> (selector_tag_id IS NOT NULL OR selector_community_id IS NOT NULL OR selector_analytics_type IS NOT NULL)),
    CONSTRAINT ck_alert_rules_band CHECK ((operator = 'outside') = (upper_threshold IS NOT NULL))
);
CREATE INDEX idx_alert_rules_node ON alerts.alert_rules (node_id) WHERE node_id IS NOT NULL;
CREATE INDEX idx_alert_rules_owner ON alerts.alert_rules (owner_distributor_id, is_enabled);

-- At most one open alert per (rule, node), guaranteed by the unique partial index: concurrent batches that breach
-- the same rule race on it and all but one insert nothing.
CREATE TABLE alerts.alert_history (
    id                    uuid             PRIMARY KEY,
    rule_id               uuid             NOT NULL REFERENCES alerts.alert_rules (id) ON DELETE CASCADE,
    node_id               uuid             NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    severity              text             NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    status                text             NOT NULL DEFAULT 'triggered' CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
    value                 double precision NOT NULL,
    message               text             NOT NULL CHECK (length(message) <= 1000),
    triggered_at          timestamptz      NOT NULL,
    acknowledged_at       timestamptz      NULL,
    acknowledged_by       uuid             NULL REFERENCES tenancy.users_profiles (id) ON DELETE SET NULL,
    resolved_at           timestamptz      NULL,
    resolved_by           uuid             NULL REFERENCES tenancy.users_profiles (id) ON DELETE SET NULL,
    resolution            text             NULL CHECK (resolution IN ('auto', 'manual')),
    CONSTRAINT ck_alert_history_resolved CHECK ((status = 'resolved') = (resolved_at IS NOT NULL) AND (resolved_at IS NULL) = (resolution IS NULL))
);
CREATE UNIQUE INDEX uq_alert_history_open ON alerts.alert_history (rule_id, node_id) WHERE resolved_at IS NULL;
-- The reads these serve: a node's active alerts by recency, a node's recent alerts, the dashboard timeline by
-- severity, resolution reports; and the cooldown check (the rule's last resolution for a node).
CREATE INDEX idx_alert_history_active ON alerts.alert_history (node_id, triggered_at DESC) WHERE resolved_at IS NULL;
CREATE INDEX idx_alert_history_node_recent ON alerts.alert_history (node_id, resolved_at, triggered_at DESC);
CREATE INDEX idx_alert_history_timeline ON alerts.alert_history (triggered_at DESC, severity);
CREATE INDEX idx_alert_history_resolution ON alerts.alert_history (resolved_at, acknowledged_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX idx_alert_history_cooldown ON alerts.alert_history (rule_id, node_id, resolved_at DESC) WHERE resolved_at IS NOT NULL;

-- Since when a rule's condition has held for a node without an alert yet: a duration survives a restart.
CREATE TABLE alerts.rule_states (
    rule_id       uuid        NOT NULL REFERENCES alerts.alert_rules (id) ON DELETE CASCADE,
    node_id       uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    breach_since  timestamptz NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, node_id)
);

-- Downtime for uptime and SLA reports: one row per outage; at most one open per node.
CREATE TABLE alerts.device_downtime (
    id                         uuid        PRIMARY KEY,
    node_id                    uuid        NOT NULL REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    downtime_start             timestamptz NOT NULL,
    downtime_end               timestamptz NULL,
    downtime_duration_seconds  bigint      GENERATED ALWAYS AS (extract(epoch FROM downtime_end - downtime_start)::bigint) STORED,
    downtime_reason            text        NULL CHECK (length(downtime_reason) <= 255),
    acknowledged_by            uuid        NULL REFERENCES tenancy.users_profiles (id) ON DELETE SET NULL,
    resolved_by                uuid        NULL REFERENCES tenancy.users_profiles (id) ON DELETE SET NULL,
    metadata                   jsonb       NOT NULL DEFAULT '{}',
    CONSTRAINT ck_device_downtime_span CHECK (downtime_end IS NULL OR downtime_end >= downtime_start)
);
CREATE INDEX idx_downtime_device_timeline ON alerts.device_downtime (node_id, downtime_start DESC);
CREATE UNIQUE INDEX idx_downtime_active ON alerts.device_downtime (node_id) WHERE downtime_end IS NULL;

-- Notification preferences: who is told of which alerts, and each delivery.
CREATE TABLE alerts.alert_notification_rules (
    id                     uuid        PRIMARY KEY,
    user_id                uuid        NOT NULL REFERENCES tenancy.users_profiles (id) ON DELETE CASCADE,
    severity_min           text        NOT NULL CHECK (severity_min IN ('info', 'warning', 'critical')),
    node_filter            jsonb       NULL,
    notification_channels  jsonb       NOT NULL,
    is_enabled             boolean     NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_alert_notification_rules_user ON alerts.alert_notification_rules (user_id);

CREATE TABLE alerts.alert_notifications (
    id                    uuid        PRIMARY KEY,
    alert_id              uuid        NOT NULL REFERENCES alerts.alert_history (id) ON DELETE CASCADE,
    user_id               uuid        NOT NULL REFERENCES tenancy.users_profiles (id) ON DELETE CASCADE,
    notification_channel  text        NOT NULL CHECK (length(notification_channel) <= 50),
    status                text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    idempotency_key       text        NOT NULL UNIQUE,
    attempts              integer     NOT NULL DEFAULT 0,
    sent_at               timestamptz NULL,
    error_message         text        NULL,
    metadata              jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_alert_notifications_alert ON alerts.alert_notifications (alert_id);
CREATE INDEX idx_alert_notifications_user ON alerts.alert_notifications (user_id, status);

-- Row-level security: rules by their distributor; what hangs off a node by the node's visibility; a user's
-- notification preferences and deliveries by the user (the platform's own work sees everything).
ALTER TABLE alerts.alert_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON alerts.alert_rules
    USING (tenancy.in_scope(owner_distributor_id, NULL))
    WITH CHECK (tenancy.in_scope(owner_distributor_id, NULL));

DO $$
DECLARE
    child text;
BEGIN
    FOREACH child IN ARRAY ARRAY['alert_history', 'rule_states', 'device_downtime'] LOOP
        EXECUTE format('ALTER TABLE alerts.%I ENABLE ROW LEVEL SECURITY', child);
        EXECUTE format(
            'CREATE POLICY tenant_scope ON alerts.%I
                USING (current_setting(''app.role'', true) IN (''superadmin'', ''system'')
                       OR EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id))
                WITH CHECK (current_setting(''app.role'', true) = ''system''
                            OR EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id))', child);
    END LOOP;

    FOREACH child IN ARRAY ARRAY['alert_notification_rules', 'alert_notifications'] LOOP
        EXECUTE format('ALTER TABLE alerts.%I ENABLE ROW LEVEL SECURITY', child);
        EXECUTE format(
            'CREATE POLICY own_rows ON alerts.%I
                USING (current_setting(''app.role'', true) IN (''superadmin'', ''system'') OR user_id = tenancy.current_user_id())
                WITH CHECK (current_setting(''app.role'', true) = ''system'' OR user_id = tenancy.current_user_id())', child);
    END LOOP;
END
$$;
