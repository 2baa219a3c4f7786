-- Copied from an old branch: a no-op here, because users already exists (and looks different).
CREATE TABLE IF NOT EXISTS users (
    id serial PRIMARY KEY,
    email text NOT NULL,
    is_admin boolean NOT NULL DEFAULT false
);
