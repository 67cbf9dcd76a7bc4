-- MQTT is an ingestion source of its own: its refusals are kept like every other source's.
ALTER TABLE telemetry.telemetry_rejections DROP CONSTRAINT telemetry_rejections_source_check;
ALTER TABLE telemetry.telemetry_rejections ADD CONSTRAINT telemetry_rejections_source_check
    CHECK (source IN ('poll', 'push', 'gateway', 'mqtt'));
