-- pgsquash stub of pgsodium: enough for migrations that reference pgsodium's key table or call
-- its functions inside function bodies. Calling a crypto function raises; security labels
-- (transparent column encryption) need the real label provider and are not supported.
CREATE TYPE @extschema@.key_status AS ENUM ('default', 'valid', 'invalid', 'expired');
CREATE TYPE @extschema@.key_type AS ENUM (
  'aead-ietf', 'aead-det', 'hmacsha512', 'hmacsha256', 'auth', 'shorthash', 'generichash',
  'kdf', 'secretbox', 'secretstream', 'stream_xchacha20'
);

CREATE TABLE @extschema@.key (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  status @extschema@.key_status DEFAULT 'valid',
  created timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires timestamptz,
  key_type @extschema@.key_type,
  key_id bigint,
  key_context bytea DEFAULT '\x7067736f6469756d'::bytea,
  name text UNIQUE,
  associated_data text DEFAULT 'associated',
  raw_key bytea,
  raw_key_nonce bytea,
  parent_key uuid REFERENCES @extschema@.key (id),
  comment text,
  user_data text
);

CREATE VIEW @extschema@.valid_key AS
  SELECT id, name, status, key_type, key_id, key_context, created, expires, associated_data
  FROM @extschema@.key
  WHERE status IN ('valid', 'default') AND (expires IS NULL OR expires > now());

CREATE FUNCTION @extschema@.stub_unavailable(fn text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pgsodium.% is not available: pgsodium is a pgsquash stub during replay', fn;
END $$;

CREATE FUNCTION @extschema@.create_key(
  key_type @extschema@.key_type DEFAULT 'aead-det', name text DEFAULT NULL, raw_key bytea DEFAULT NULL,
  raw_key_nonce bytea DEFAULT NULL, parent_key uuid DEFAULT NULL, key_context bytea DEFAULT '\x7067736f6469756d'::bytea,
  expires timestamptz DEFAULT NULL, associated_data text DEFAULT ''
) RETURNS @extschema@.valid_key LANGUAGE sql AS $$
  WITH k AS (
    INSERT INTO @extschema@.key (key_type, name, raw_key, raw_key_nonce, parent_key, key_context, expires, associated_data)
    VALUES (key_type, name, raw_key, raw_key_nonce, parent_key, key_context, expires, associated_data)
    RETURNING id
  )
  SELECT v.* FROM @extschema@.valid_key v JOIN k USING (id)
$$;

CREATE FUNCTION @extschema@.randombytes_buf(size integer) RETURNS bytea LANGUAGE sql AS $$
  SELECT decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex') FROM generate_series(1, size)
$$;

CREATE FUNCTION @extschema@.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea DEFAULT NULL)
RETURNS bytea LANGUAGE plpgsql AS $$ BEGIN PERFORM @extschema@.stub_unavailable('crypto_aead_det_encrypt'); RETURN NULL; END $$;
CREATE FUNCTION @extschema@.crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea DEFAULT NULL)
RETURNS bytea LANGUAGE plpgsql AS $$ BEGIN PERFORM @extschema@.stub_unavailable('crypto_aead_det_decrypt'); RETURN NULL; END $$;
CREATE FUNCTION @extschema@.crypto_aead_det_noncegen() RETURNS bytea LANGUAGE sql AS $$ SELECT @extschema@.randombytes_buf(16) $$;
CREATE FUNCTION @extschema@.crypto_secretbox_noncegen() RETURNS bytea LANGUAGE sql AS $$ SELECT @extschema@.randombytes_buf(24) $$;
CREATE FUNCTION @extschema@.crypto_secretbox(message bytea, nonce bytea, key_id bigint, context bytea DEFAULT 'pgsodium')
RETURNS bytea LANGUAGE plpgsql AS $$ BEGIN PERFORM @extschema@.stub_unavailable('crypto_secretbox'); RETURN NULL; END $$;
CREATE FUNCTION @extschema@.crypto_secretbox_open(message bytea, nonce bytea, key_id bigint, context bytea DEFAULT 'pgsodium')
RETURNS bytea LANGUAGE plpgsql AS $$ BEGIN PERFORM @extschema@.stub_unavailable('crypto_secretbox_open'); RETURN NULL; END $$;
CREATE FUNCTION @extschema@.crypto_generichash(message bytea, key bytea DEFAULT NULL)
RETURNS bytea LANGUAGE plpgsql AS $$ BEGIN PERFORM @extschema@.stub_unavailable('crypto_generichash'); RETURN NULL; END $$;
