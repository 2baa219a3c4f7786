-- The first audit table was a mistake: json could not be indexed. Start over.
DROP TABLE audit_log;
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id integer NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    happened_at timestamptz NOT NULL DEFAULT now(),
    action text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_payload_idx ON audit_log USING gin (payload jsonb_path_ops);
