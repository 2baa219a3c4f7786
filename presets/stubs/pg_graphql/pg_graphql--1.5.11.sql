-- pgsquash stub of pg_graphql: graphql.resolve() exists with its real signature so that
-- graphql_public.graphql() and user functions that call it can be created.
CREATE FUNCTION @extschema@.resolve(
  query text,
  variables jsonb DEFAULT '{}'::jsonb,
  "operationName" text DEFAULT NULL,
  extensions jsonb DEFAULT NULL
) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('errors', jsonb_build_array(jsonb_build_object(
    'message', 'pg_graphql is a pgsquash stub during replay')))
$$;

CREATE FUNCTION @extschema@.comment_directive(comment_ text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN comment_ ~ '^\s*@graphql\(' THEN
    (regexp_match(comment_, '@graphql\((.+)\)'))[1]::jsonb ELSE NULL END
$$;

CREATE FUNCTION @extschema@.exception(message text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING errcode = '22000', message = message;
END $$;
