-- pgsquash preset "supabase", part 1 of 4: the roles a Supabase project has before its first
-- migration, with the attributes and memberships the platform gives them (supabase/postgres
-- init-scripts and migrations, see README.md). Roles are cluster-wide, so every statement here is
-- safe to run again on a server where an earlier database already created them.
DO $$
DECLARE
  spec record;
BEGIN
  FOR spec IN
    SELECT * FROM (VALUES
      ('anon',                       'NOLOGIN INHERIT'),
      ('authenticated',              'NOLOGIN INHERIT'),
      ('service_role',               'NOLOGIN INHERIT BYPASSRLS'),
      ('authenticator',              'LOGIN NOINHERIT'),
      ('supabase_admin',             'LOGIN SUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS'),
      ('supabase_auth_admin',        'LOGIN NOINHERIT CREATEROLE NOREPLICATION'),
      ('supabase_storage_admin',     'LOGIN NOINHERIT CREATEROLE NOREPLICATION'),
      ('supabase_functions_admin',   'LOGIN NOINHERIT CREATEROLE NOREPLICATION'),
      ('supabase_realtime_admin',    'NOLOGIN NOINHERIT NOREPLICATION'),
      ('supabase_replication_admin', 'LOGIN REPLICATION'),
      ('supabase_read_only_user',    'LOGIN BYPASSRLS'),
      ('dashboard_user',             'NOLOGIN CREATEDB CREATEROLE REPLICATION'),
      ('pgbouncer',                  'LOGIN'),
      ('pgsodium_keyiduser',         'NOLOGIN'),
      ('pgsodium_keyholder',         'NOLOGIN'),
      ('pgsodium_keymaker',          'NOLOGIN')
    ) AS r(name, attributes)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = spec.name) THEN
      EXECUTE format('CREATE ROLE %I %s', spec.name, spec.attributes);
    END IF;
  END LOOP;
END $$;

GRANT anon, authenticated, service_role TO authenticator;
GRANT anon, authenticated, service_role TO postgres;
GRANT supabase_auth_admin, supabase_storage_admin TO postgres;
GRANT authenticator TO supabase_storage_admin;
GRANT pg_read_all_data TO supabase_read_only_user;
GRANT pg_monitor, pg_read_all_data, pg_signal_backend TO postgres;
GRANT pgsodium_keyiduser TO pgsodium_keyholder;
GRANT pgsodium_keyholder TO pgsodium_keymaker;
GRANT pgsodium_keyholder TO service_role;

ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';
ALTER ROLE authenticator SET statement_timeout = '8s';
ALTER ROLE authenticator SET lock_timeout = '8s';
ALTER ROLE supabase_admin SET search_path = "$user", public, auth, extensions;
ALTER ROLE postgres SET search_path = "$user", public, extensions;
ALTER ROLE supabase_auth_admin SET search_path = auth;
ALTER ROLE supabase_storage_admin SET search_path = storage;
