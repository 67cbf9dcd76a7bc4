-- Sends every change of auth.users to EvaraTech's POST /api/v1/auth/webhook, signed the Standard Webhooks way.
-- Supabase's database webhooks are not signed, so this trigger signs its own deliveries: run it in the Supabase
-- project's SQL editor after replacing the two settings below (the secret is Auth__WebhookSecret, `v1,whsec_…`).
-- Needs the pgcrypto and pg_net extensions (both available on Supabase).

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE SCHEMA IF NOT EXISTS evaratech;

-- The Standard Webhooks headers of one delivery: webhook-id, webhook-timestamp and webhook-signature, the last a
-- base64 HMAC-SHA256 over "{id}.{timestamp}.{body}" keyed with the base64 part of the secret.
-- Supabase installs pgcrypto in the schema "extensions"; the search path names it so hmac() resolves from the
-- trigger below, whose own search path is empty.
CREATE OR REPLACE FUNCTION evaratech.webhook_headers(body text, secret text)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = extensions, public, pg_catalog
AS $$
DECLARE
    delivery_id text := 'msg_' || replace(gen_random_uuid()::text, '-', '');
    sent_at     text := floor(extract(epoch FROM clock_timestamp()))::bigint::text;
    key         bytea := decode(regexp_replace(secret, '^(v1,)?(whsec_)?', ''), 'base64');
BEGIN
    RETURN jsonb_build_object(
        'Content-Type', 'application/json',
        'webhook-id', delivery_id,
        'webhook-timestamp', sent_at,
        'webhook-signature', 'v1,' || encode(hmac(convert_to(delivery_id || '.' || sent_at || '.' || body, 'UTF8'), key, 'sha256'), 'base64'));
END;
$$;

-- BEGIN TRIGGER (Supabase only: needs auth.users and pg_net)
CREATE EXTENSION IF NOT EXISTS pg_net;

CREATE OR REPLACE FUNCTION evaratech.user_fields(u auth.users)
RETURNS jsonb
LANGUAGE sql
SET search_path = ''
AS $$
    SELECT jsonb_build_object('id', u.id, 'email', u.email, 'phone', u.phone, 'is_anonymous', u.is_anonymous,
        'email_confirmed_at', u.email_confirmed_at, 'banned_until', u.banned_until, 'deleted_at', u.deleted_at,
        'raw_user_meta_data', u.raw_user_meta_data)
$$;

CREATE OR REPLACE FUNCTION evaratech.send_auth_user_change()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    url    text := 'https://evaratech.example.com/api/v1/auth/webhook';  -- your API's address
    secret text := 'v1,whsec_REPLACE_ME';                                  -- Auth__WebhookSecret
    -- Only the columns the platform reads: never the password hash or the confirmation and recovery tokens.
    body   text := jsonb_build_object(
        'type', TG_OP, 'table', TG_TABLE_NAME, 'schema', TG_TABLE_SCHEMA,
        'record', CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE evaratech.user_fields(NEW) END,
        'old_record', CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE evaratech.user_fields(OLD) END)::text;
BEGIN
    PERFORM net.http_post(url := url, body := body::jsonb, headers := evaratech.webhook_headers(body, secret));
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS evaratech_auth_user_change ON auth.users;
CREATE TRIGGER evaratech_auth_user_change
    AFTER INSERT OR UPDATE OR DELETE ON auth.users
    FOR EACH ROW EXECUTE FUNCTION evaratech.send_auth_user_change();
