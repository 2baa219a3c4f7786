CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_account_time_idx
    ON audit_log (account_id, happened_at DESC);
