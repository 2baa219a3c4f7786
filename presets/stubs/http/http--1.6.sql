-- pgsquash stub of pgsql-http: the types and functions exist so that functions calling them can
-- be created and the replay succeeds; calling any request function raises.
CREATE DOMAIN http_method AS text;
CREATE DOMAIN content_type AS text CHECK (value ~ '^\S+\/\S+');
CREATE TYPE http_header AS (field varchar, value varchar);
CREATE TYPE http_request AS (method http_method, uri varchar, headers http_header[], content_type varchar, content varchar);
CREATE TYPE http_response AS (status integer, content_type varchar, headers http_header[], content varchar);

CREATE FUNCTION http_header(field varchar, value varchar) RETURNS http_header
LANGUAGE sql AS $$ SELECT ROW(field, value)::http_header $$;

CREATE FUNCTION http(request http_request) RETURNS http_response LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'http(%) not sent: the http extension is a pgsquash stub during replay', request.uri;
END $$;

CREATE FUNCTION http_get(uri varchar) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('GET', uri, NULL, NULL, NULL)::http_request) $$;
CREATE FUNCTION http_get(uri varchar, data jsonb) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('GET', uri, NULL, NULL, NULL)::http_request) $$;
CREATE FUNCTION http_post(uri varchar, content varchar, content_type varchar) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('POST', uri, NULL, content_type, content)::http_request) $$;
CREATE FUNCTION http_post(uri varchar, data jsonb) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('POST', uri, NULL, 'application/x-www-form-urlencoded', data::text)::http_request) $$;
CREATE FUNCTION http_put(uri varchar, content varchar, content_type varchar) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('PUT', uri, NULL, content_type, content)::http_request) $$;
CREATE FUNCTION http_patch(uri varchar, content varchar, content_type varchar) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('PATCH', uri, NULL, content_type, content)::http_request) $$;
CREATE FUNCTION http_delete(uri varchar) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('DELETE', uri, NULL, NULL, NULL)::http_request) $$;
CREATE FUNCTION http_delete(uri varchar, content varchar, content_type varchar) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('DELETE', uri, NULL, content_type, content)::http_request) $$;
CREATE FUNCTION http_head(uri varchar) RETURNS http_response
LANGUAGE sql AS $$ SELECT http(('HEAD', uri, NULL, NULL, NULL)::http_request) $$;

CREATE FUNCTION http_set_curlopt(curlopt varchar, value varchar) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION http_reset_curlopt() RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION http_list_curlopt() RETURNS TABLE(curlopt text, value text)
LANGUAGE sql AS $$ SELECT NULL::text, NULL::text WHERE false $$;

CREATE FUNCTION urlencode(string varchar) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  b int;
  out text := '';
BEGIN
  FOREACH b IN ARRAY coalesce(
    (SELECT array_agg(get_byte(convert_to(string, 'UTF8'), i) ORDER BY i)
     FROM generate_series(0, octet_length(convert_to(string, 'UTF8')) - 1) i), '{}') LOOP
    IF chr(b) ~ '[A-Za-z0-9_.~-]' THEN out := out || chr(b); ELSE out := out || '%' || upper(lpad(to_hex(b), 2, '0')); END IF;
  END LOOP;
  RETURN out;
END $$;
CREATE FUNCTION urlencode(data jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(urlencode(key) || '=' || urlencode(value), '&') FROM jsonb_each_text(data)
$$;
