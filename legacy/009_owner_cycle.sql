-- Every account has an owner, and every user belongs to an account: a foreign-key cycle.
ALTER TABLE accounts ADD COLUMN owner_id integer;
ALTER TABLE accounts ADD CONSTRAINT accounts_owner_id_fkey
    FOREIGN KEY (owner_id) REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED;
