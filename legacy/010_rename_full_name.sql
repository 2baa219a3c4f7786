ALTER TABLE users RENAME COLUMN full_name TO display_name;
ALTER TABLE users ALTER COLUMN display_name SET DEFAULT '';
COMMENT ON COLUMN users.display_name IS 'Shown in the UI; may differ from the legal name.';
