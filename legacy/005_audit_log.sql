CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    happened_at timestamptz DEFAULT now(),
    payload json
);
