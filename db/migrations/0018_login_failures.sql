-- Failed logins, shared by every instance. One row per key: an account ('account:<email>'), an account from one
-- client address ('pair:<email>|<address>') or a client address ('address:<address>'). Past its threshold a key
-- makes the next attempt wait, the wait doubling with each further failure, so guessing gets slow while the owner,
-- from an address of their own, is not locked out by someone else's wrong passwords.
CREATE TABLE tenancy.login_failures (
    key               text        PRIMARY KEY,
    failures          integer     NOT NULL,
    window_started_at timestamptz NOT NULL,
    last_failure_at   timestamptz NOT NULL
);

CREATE INDEX idx_login_failures_last ON tenancy.login_failures (last_failure_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON tenancy.login_failures TO evaratech_app;
