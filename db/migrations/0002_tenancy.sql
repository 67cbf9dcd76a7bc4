-- Tenancy: distributors own communities, communities hold customers; users belong to one level.
-- Every foreign key states its ON DELETE policy: tenants with dependents are never deleted implicitly
-- (RESTRICT, the API answers 409), while rows that only describe their parent go with it (CASCADE).

CREATE TABLE tenancy.distributors (
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    contact_email  text        NULL,
    is_active      boolean     NOT NULL DEFAULT true,
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenancy.communities (
    id              uuid        PRIMARY KEY,
    distributor_id  uuid        NOT NULL REFERENCES tenancy.distributors (id) ON DELETE RESTRICT,
    name            text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    slug            text        NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    is_active       boolean     NOT NULL DEFAULT true,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_communities_slug UNIQUE (slug)
);
CREATE INDEX idx_communities_distributor_id ON tenancy.communities (distributor_id);

CREATE TABLE tenancy.customers (
    id             uuid        PRIMARY KEY,
    community_id   uuid        NOT NULL REFERENCES tenancy.communities (id) ON DELETE RESTRICT,
    name           text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    contact_email  text        NULL,
    is_active      boolean     NOT NULL DEFAULT true,
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_customers_community_id ON tenancy.customers (community_id);

-- id is the identity provider's user id (Supabase auth.users.id). The role decides which link is set.
CREATE TABLE tenancy.users_profiles (
    id              uuid        PRIMARY KEY,
    email           text        NOT NULL CHECK (position('@' IN email) > 1),
    display_name    text        NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    role            text        NOT NULL CHECK (role IN ('superadmin', 'distributor', 'customer')),
    plan            text        NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'enterprise')),
    distributor_id  uuid        NULL REFERENCES tenancy.distributors (id) ON DELETE RESTRICT,
    customer_id     uuid        NULL REFERENCES tenancy.customers (id) ON DELETE RESTRICT,
    is_active       boolean     NOT NULL DEFAULT true,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chk_users_profiles_tenant_link CHECK (
        (role = 'superadmin'  AND distributor_id IS NULL     AND customer_id IS NULL) OR
        (role = 'distributor' AND distributor_id IS NOT NULL AND customer_id IS NULL) OR
        (role = 'customer'    AND customer_id IS NOT NULL    AND distributor_id IS NULL))
);
CREATE UNIQUE INDEX uq_users_profiles_email ON tenancy.users_profiles (lower(email));
CREATE INDEX idx_users_profiles_distributor_id ON tenancy.users_profiles (distributor_id) WHERE distributor_id IS NOT NULL;
CREATE INDEX idx_users_profiles_customer_id ON tenancy.users_profiles (customer_id) WHERE customer_id IS NOT NULL;

-- Passwords of the local issuer (embedded default and development only); Supabase keeps its own elsewhere.
CREATE TABLE tenancy.local_credentials (
    user_id        uuid        PRIMARY KEY REFERENCES tenancy.users_profiles (id) ON DELETE CASCADE,
    password_hash  text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
