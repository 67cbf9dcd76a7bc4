-- Every authenticated request looks its caller up first. As a SQL function the look-up was planned
-- afresh on every call (SQL function bodies are never cached, and planning cost more than the look-up); PL/pgSQL keeps the plan of
-- its query for the session, and pooled sessions live long. Same signature, grants and search_path as before.
CREATE OR REPLACE FUNCTION tenancy.find_user_for_authentication(p_user_id uuid)
RETURNS TABLE (id uuid, email text, display_name text, role text, plan text, distributor_id uuid, customer_id uuid, is_active boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT p.id, p.email, p.display_name, p.role, p.plan, p.distributor_id, p.customer_id, p.is_active
    FROM tenancy.users_profiles p
    WHERE p.id = p_user_id;
END
$$;
