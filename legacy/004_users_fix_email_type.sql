-- Emails are case-insensitive: switch to citext.
DROP INDEX users_email_key;
ALTER TABLE users ALTER COLUMN email TYPE citext;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
