INSERT INTO plans (id, tier, monthly_price_cents) VALUES (3, 'enterprise', 49900);
UPDATE plans SET monthly_price_cents = 3900 WHERE id = 2;
