-- A node's MQTT device credentials: client id, user name and password, as ThingSpeak's MQTT devices have them. Only
-- the password's keyed hash is kept (like a write key's); issuing new ones replaces all three.
CREATE TABLE nodes.mqtt_credentials (
    node_id        uuid        PRIMARY KEY REFERENCES nodes.nodes (id) ON DELETE CASCADE,
    client_id      text        NOT NULL UNIQUE CHECK (client_id ~ '^[A-Za-z0-9]{1,23}$'),
    username       text        NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9]{1,64}$'),
    password_hash  bytea       NOT NULL CHECK (octet_length(password_hash) = 32),
    password_hint  text        NOT NULL CHECK (password_hint ~ '^[A-Za-z0-9]{1,4}$'),
    issued_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE nodes.mqtt_credentials ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON nodes.mqtt_credentials
    USING (current_setting('app.role', true) IN ('superadmin', 'system') OR EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id))
    WITH CHECK (EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = node_id));
