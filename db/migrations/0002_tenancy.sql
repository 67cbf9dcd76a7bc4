-- Tenancy: distributors own communities, communities hold customers; users belong to one level.
--
-- Every tenant-scoped row carries its full ownership path (distributor_id, and customer_id where it belongs to a
-- customer), kept consistent by composite foreign keys. Scope checks are then plain column comparisons that
-- indexes serve, and row-level security needs no recursive look-ups.
--
-- ON DELETE: tenants with dependents are never deleted implicitly (RESTRICT; the API answers 409), while rows
-- that only describe their parent go with it (CASCADE).

CREATE TABLE tenancy.distributors (
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    contact_email  text        NULL CHECK (contact_email IS NULL OR position('@' IN contact_email) > 1),
    is_active      boolean     NOT NULL DEFAULT true,
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenancy.communities (
    id              uuid        PRIMARY KEY,
    distributor_id  uuid        NOT NULL REFERENCES tenancy.distributors (id) ON DELETE RESTRICT,
    name            text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    slug            text        NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    is_active       boolean     NOT NULL DEFAULT true,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_communities_slug UNIQUE (slug),
    -- Target of the composite keys that keep customers' distributor_id equal to their community's.
    CONSTRAINT uq_communities_id_distributor UNIQUE (id, distributor_id)
);
CREATE INDEX idx_communities_distributor_id ON tenancy.communities (distributor_id);

CREATE TABLE tenancy.customers (
    id              uuid        PRIMARY KEY,
    community_id    uuid        NOT NULL,
    distributor_id  uuid        NOT NULL,
    name            text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    contact_email   text        NULL CHECK (contact_email IS NULL OR position('@' IN contact_email) > 1),
    is_active       boolean     NOT NULL DEFAULT true,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fk_customers_community FOREIGN KEY (community_id, distributor_id)
        REFERENCES tenancy.communities (id, distributor_id) ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT uq_customers_id_distributor UNIQUE (id, distributor_id)
);
CREATE INDEX idx_customers_community_id ON tenancy.customers (community_id);
CREATE INDEX idx_customers_distributor_id ON tenancy.customers (distributor_id);

-- id is the identity provider's user id (Supabase auth.users.id). A customer user signed up through the
-- identity provider but not yet assigned to a customer has neither link and sees nothing.
CREATE TABLE tenancy.users_profiles (
    id              uuid        PRIMARY KEY,
    email           text        NOT NULL CHECK (position('@' IN email) > 1 AND length(email) <= 320),
    display_name    text        NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    role            text        NOT NULL DEFAULT 'customer' CHECK (role IN ('superadmin', 'distributor', 'customer')),
    plan            text        NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'enterprise')),
    distributor_id  uuid        NULL REFERENCES tenancy.distributors (id) ON DELETE RESTRICT,
    customer_id     uuid        NULL,
    is_active       boolean     NOT NULL DEFAULT true,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- A customer user belongs to an existing customer of its own distributor, enforced by a foreign key.
    CONSTRAINT fk_users_profiles_customer FOREIGN KEY (customer_id, distributor_id)
        REFERENCES tenancy.customers (id, distributor_id) ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT chk_users_profiles_tenant_link CHECK (
        (role = 'superadmin'  AND distributor_id IS NULL     AND customer_id IS NULL) OR
        (role = 'distributor' AND distributor_id IS NOT NULL AND customer_id IS NULL) OR
        (role = 'customer'    AND (customer_id IS NULL) = (distributor_id IS NULL)))
);
CREATE UNIQUE INDEX uq_users_profiles_email ON tenancy.users_profiles (lower(email));
CREATE INDEX idx_users_profiles_distributor_id ON tenancy.users_profiles (distributor_id) WHERE distributor_id IS NOT NULL;
CREATE INDEX idx_users_profiles_customer_id ON tenancy.users_profiles (customer_id) WHERE customer_id IS NOT NULL;

-- Passwords of the local issuer (embedded default and development only); Supabase keeps its own.
CREATE TABLE tenancy.local_credentials (
    user_id        uuid        PRIMARY KEY REFERENCES tenancy.users_profiles (id) ON DELETE CASCADE,
    password_hash  text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Standard Webhooks delivery ids already accepted: a replayed delivery is refused.
CREATE TABLE tenancy.webhook_deliveries (
    id           text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_webhook_deliveries_received_at ON tenancy.webhook_deliveries (received_at);
