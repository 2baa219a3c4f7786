-- The first cut of the schema: accounts and users.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE accounts (
    id serial PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id serial PRIMARY KEY,
    account_id integer NOT NULL REFERENCES accounts(id),
    email text NOT NULL,
    full_name text
);
