CREATE TYPE plan_tier AS ENUM ('free', 'pro');

CREATE TABLE plans (
    id smallint PRIMARY KEY,
    tier plan_tier NOT NULL,
    monthly_price_cents integer NOT NULL CHECK (monthly_price_cents >= 0)
);

INSERT INTO plans (id, tier, monthly_price_cents) VALUES
    (1, 'free', 0),
    (2, 'pro', 2900);

ALTER TABLE accounts ADD COLUMN plan_id smallint REFERENCES plans(id) DEFAULT 1;
