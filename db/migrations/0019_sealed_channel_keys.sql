-- Channel keys stop being stored in plain text: a write key is kept as a keyed hash (looked up by hash), a read key
-- encrypted, each with its last four characters for showing it masked. The secret lives outside the database, so
-- the code migration 0020_seal_channel_keys (Nodes module) converts the existing keys and then drops the plain
-- columns.
ALTER TABLE nodes.thingspeak_channels
    ADD COLUMN write_key_hash  bytea NULL CHECK (octet_length(write_key_hash) = 32),
    ADD COLUMN write_key_hint  text  NULL CHECK (write_key_hint ~ '^[A-Za-z0-9]{1,4}$'),
    ADD COLUMN read_key_sealed text  NULL CHECK (read_key_sealed LIKE 'v1.%'),
    ADD COLUMN read_key_hint   text  NULL CHECK (read_key_hint ~ '^[A-Za-z0-9]{1,4}$'),
    ADD CONSTRAINT chk_thingspeak_channels_write_key_parts CHECK ((write_key_hash IS NULL) = (write_key_hint IS NULL)),
    ADD CONSTRAINT chk_thingspeak_channels_read_key_parts CHECK ((read_key_sealed IS NULL) = (read_key_hint IS NULL));

CREATE UNIQUE INDEX uq_thingspeak_channels_write_key_hash ON nodes.thingspeak_channels (write_key_hash);
