-- A distributor's alert lists and stats (among the most frequent reads under load): led by the alert's owner, newest first, the open
-- ones apart, so a distributor's page reads its own rows only instead of filtering everyone's.
CREATE INDEX idx_alert_history_owner_active ON alerts.alert_history (owner_distributor_id, triggered_at DESC, id DESC) WHERE resolved_at IS NULL;
CREATE INDEX idx_alert_history_owner_timeline ON alerts.alert_history (owner_distributor_id, triggered_at DESC, id DESC);
