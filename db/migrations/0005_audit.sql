-- The audit trail, one row shape for every module's actions, append-only and partitioned by month.
--
-- Choices made on purpose: request_id is text (it is the W3C trace id, 32 hex digits, not a UUID);
-- user_id has no foreign key (history must outlive the users it mentions; a user's deletion must not rewrite
-- or block it); actor_distributor_id / resource_distributor_id record the tenant path so a distributor can read
-- its subtree's trail.
CREATE TABLE audit.audit_logs (
    id                       uuid        NOT NULL,
    "timestamp"              timestamptz NOT NULL DEFAULT now(),
    action_type              text        NOT NULL CHECK (action_type IN ('CREATE', 'UPDATE', 'DELETE', 'ACCESS', 'AUTHENTICATE')),
    resource_type            text        NOT NULL CHECK (length(resource_type) <= 100),
    resource_id              text        NULL CHECK (length(resource_id) <= 255),
    user_id                  uuid        NULL,
    actor_distributor_id     uuid        NULL,
    resource_distributor_id  uuid        NULL,
    ip_address               inet        NULL,
    user_agent               text        NULL,
    request_id               text        NULL,
    metadata                 jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (id, "timestamp")
) PARTITION BY RANGE ("timestamp");

CREATE INDEX idx_audit_logs_timeline ON audit.audit_logs ("timestamp" DESC, id DESC);
CREATE INDEX idx_audit_logs_user ON audit.audit_logs (user_id, "timestamp" DESC);
CREATE INDEX idx_audit_logs_resource ON audit.audit_logs (resource_type, resource_id, "timestamp" DESC);

-- Rows that fall outside every monthly partition (clock skew, a missed maintenance run) still land somewhere.
CREATE TABLE audit.audit_logs_default PARTITION OF audit.audit_logs DEFAULT;

-- Creates the monthly partitions from this month to months_ahead, and drops those wholly older than
-- retention_months. Run by the owner (the maintenance role): the application may only insert and read.
CREATE FUNCTION audit.maintain_partitions(retention_months integer, months_ahead integer DEFAULT 3)
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql AS $$
DECLARE
    month_start date;
    part record;
BEGIN
    FOR i IN 0..months_ahead LOOP
        month_start := (date_trunc('month', now()) + make_interval(months => i))::date;
        partition_name := format('audit_logs_%s', to_char(month_start, 'YYYY_MM'));
        IF to_regclass('audit.' || partition_name) IS NULL THEN
            EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.audit_logs FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start, (month_start + interval '1 month')::date);
            action := 'created';
            RETURN NEXT;
        END IF;
    END LOOP;

    FOR part IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'audit' AND p.relname = 'audit_logs' AND c.relname ~ '^audit_logs_\d{4}_\d{2}$'
          AND to_date(substring(c.relname FROM '\d{4}_\d{2}$'), 'YYYY_MM') + interval '1 month'
              <= date_trunc('month', now()) - make_interval(months => retention_months)
    LOOP
        EXECUTE format('DROP TABLE audit.%I', part.relname);
        action := 'dropped';
        partition_name := part.relname;
        RETURN NEXT;
    END LOOP;
END
$$;

SELECT * FROM audit.maintain_partitions(12, 3);

-- Append-only for real: the application may add and read, never change or remove.
GRANT SELECT, INSERT ON audit.audit_logs TO evaratech_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit.audit_logs FROM evaratech_app;
REVOKE ALL ON FUNCTION audit.maintain_partitions(integer, integer) FROM PUBLIC;
