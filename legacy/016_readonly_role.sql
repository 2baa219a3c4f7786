-- A read-only role for the BI tool. Roles are cluster-wide, so create it only once.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'saas_readonly') THEN
        CREATE ROLE saas_readonly NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA reporting TO saas_readonly;
GRANT SELECT ON reporting.account_sizes TO saas_readonly;
GRANT SELECT (id, display_name) ON users TO saas_readonly;
