-- pgsquash stand-in for pgjwt: HS256/384/512 signing and verification on pgcrypto's hmac().
-- Functions pin the search_path of CREATE EXTENSION (target schema + pgcrypto's) so they work
-- whatever the caller's search_path is.
CREATE FUNCTION url_encode(data bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT translate(encode(data, 'base64'), E'+/=\n', '-_')
$$;

CREATE FUNCTION url_decode(data text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT decode(rpad(translate(data, '-_', '+/'), 4 * ((length(data) + 3) / 4), '='), 'base64')
$$;

CREATE FUNCTION algorithm_sign(signables text, secret text, algorithm text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT url_encode(hmac(signables, secret,
    CASE algorithm WHEN 'HS256' THEN 'sha256' WHEN 'HS384' THEN 'sha384' WHEN 'HS512' THEN 'sha512' ELSE '' END))
$$;

CREATE FUNCTION sign(payload json, secret text, algorithm text DEFAULT 'HS256') RETURNS text
LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  WITH header AS (
    SELECT url_encode(convert_to(json_build_object('alg', algorithm, 'typ', 'JWT')::text, 'utf8')) AS data
  ), body AS (
    SELECT url_encode(convert_to(payload::text, 'utf8')) AS data
  ), signables AS (
    SELECT header.data || '.' || body.data AS data FROM header, body
  )
  SELECT signables.data || '.' || algorithm_sign(signables.data, secret, algorithm) FROM signables
$$;

CREATE FUNCTION try_cast_double(inp text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN inp::double precision;
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END $$;

CREATE FUNCTION verify(token text, secret text, algorithm text DEFAULT 'HS256')
RETURNS TABLE(header json, payload json, valid boolean)
LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT
    jwt.header AS header,
    jwt.payload AS payload,
    jwt.signature_ok AND tstzrange(
      to_timestamp(try_cast_double(jwt.payload->>'nbf')),
      to_timestamp(try_cast_double(jwt.payload->>'exp'))
    ) @> CURRENT_TIMESTAMP AS valid
  FROM (
    SELECT
      convert_from(url_decode(r[1]), 'utf8')::json AS header,
      convert_from(url_decode(r[2]), 'utf8')::json AS payload,
      r[3] = algorithm_sign(r[1] || '.' || r[2], secret, algorithm) AS signature_ok
    FROM regexp_split_to_array(token, '\.') r
  ) jwt
$$;
