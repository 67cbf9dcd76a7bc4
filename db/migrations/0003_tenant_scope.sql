-- The tenant scope, in SQL, for every module.
--
-- The application sets the caller's context at the start of every transaction with set_user_context(); it is
-- transaction-local (set_config(..., true)), so a pooled connection never carries one request's identity into
-- another. Module queries filter by scope explicitly (index-friendly predicates built by the application's one
-- scope helper); row-level security, with the same rule in in_scope(), is the backstop for a query that forgets.

CREATE FUNCTION tenancy.set_user_context(p_user_id uuid, p_role text, p_distributor_id uuid, p_customer_id uuid)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('app.user_id', coalesce(p_user_id::text, ''), true);
    PERFORM set_config('app.role', coalesce(p_role, ''), true);
    PERFORM set_config('app.distributor_id', coalesce(p_distributor_id::text, ''), true);
    PERFORM set_config('app.customer_id', coalesce(p_customer_id::text, ''), true);
END
$$;

-- Is a row owned along this path visible to the caller? superadmin and the platform's own jobs ('system') see
-- everything, a distributor its subtree, a customer its own rows; no context sees nothing.
CREATE FUNCTION tenancy.in_scope(p_distributor_id uuid, p_customer_id uuid)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE current_setting('app.role', true)
        WHEN 'superadmin' THEN true
        WHEN 'system' THEN true
        WHEN 'distributor' THEN p_distributor_id IS NOT NULL
            AND p_distributor_id = nullif(current_setting('app.distributor_id', true), '')::uuid
        WHEN 'customer' THEN p_customer_id IS NOT NULL
            AND p_customer_id = nullif(current_setting('app.customer_id', true), '')::uuid
        ELSE false
    END
$$;

CREATE FUNCTION tenancy.current_user_id()
RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;

ALTER TABLE tenancy.distributors ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON tenancy.distributors
    USING (tenancy.in_scope(id, NULL)) WITH CHECK (tenancy.in_scope(id, NULL));

ALTER TABLE tenancy.communities ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON tenancy.communities
    USING (tenancy.in_scope(distributor_id, NULL)) WITH CHECK (tenancy.in_scope(distributor_id, NULL));

ALTER TABLE tenancy.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON tenancy.customers
    USING (tenancy.in_scope(distributor_id, id)) WITH CHECK (tenancy.in_scope(distributor_id, id));

-- Everyone can read their own profile, whatever their scope.
ALTER TABLE tenancy.users_profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON tenancy.users_profiles
    USING (tenancy.in_scope(distributor_id, customer_id) OR id = tenancy.current_user_id())
    WITH CHECK (tenancy.in_scope(distributor_id, customer_id));

ALTER TABLE tenancy.local_credentials ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON tenancy.local_credentials
    USING (EXISTS (SELECT 1 FROM tenancy.users_profiles p WHERE p.id = user_id))
    WITH CHECK (EXISTS (SELECT 1 FROM tenancy.users_profiles p WHERE p.id = user_id));

ALTER TABLE tenancy.webhook_deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON tenancy.webhook_deliveries
    USING (current_setting('app.role', true) = 'system') WITH CHECK (current_setting('app.role', true) = 'system');

-- Look-ups that must work before the caller's context exists: the authenticated user's own profile, and the
-- local issuer's password check. SECURITY DEFINER (the owner is not subject to the policies), each returning
-- exactly the one row asked for.
CREATE FUNCTION tenancy.find_user_for_authentication(p_user_id uuid)
RETURNS TABLE (id uuid, email text, display_name text, role text, plan text, distributor_id uuid, customer_id uuid, is_active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT p.id, p.email, p.display_name, p.role, p.plan, p.distributor_id, p.customer_id, p.is_active
    FROM tenancy.users_profiles p
    WHERE p.id = p_user_id
$$;

CREATE FUNCTION tenancy.find_local_credentials(p_email text)
RETURNS TABLE (id uuid, email text, is_active boolean, password_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT p.id, p.email, p.is_active, c.password_hash
    FROM tenancy.users_profiles p
    JOIN tenancy.local_credentials c ON c.user_id = p.id
    WHERE lower(p.email) = lower(p_email)
$$;

REVOKE ALL ON FUNCTION tenancy.find_user_for_authentication(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenancy.find_local_credentials(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenancy.find_user_for_authentication(uuid) TO evaratech_app;
GRANT EXECUTE ON FUNCTION tenancy.find_local_credentials(text) TO evaratech_app;
