-- Row-level security: a session sees only its own account's rows.
CREATE FUNCTION current_account_id() RETURNS integer
LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('app.account_id', true), '')::integer $$;

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_same_account ON users
    USING (account_id = current_account_id());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_same_account ON audit_log
    FOR SELECT USING (account_id = current_account_id());
