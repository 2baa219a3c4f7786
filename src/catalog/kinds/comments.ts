import { cls, idOf, objectDesignation, unquotedSchema, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/**
 * Comments on every object, rendered as their COMMENT ON target (on initdb's objects too, those
 * written after initdb: their rows are younger than template0's freeze). A comment on a kind the model
 * does not cover falls back to `pg_identify_object` (upper-cased type + identity), and the
 * completeness guard reports the object itself. The database's own comment (pg_shdescription) has
 * the target `DATABASE`: the baseline names the database it is applied to, not the replay's.
 */
export const comments: KindIntrospector = {
  name: 'comment',
  query: () => `
WITH d AS (
  SELECT d.classoid, d.objoid, d.objsubid, d.description FROM pg_catalog.pg_description d
  -- initdb's schemas too: migrations do COMMENT ON SCHEMA public; and comments on initdb's other
  -- objects written since template0 was frozen (COMMENT ON FUNCTION pg_catalog.now()), not the
  -- thousands initdb wrote, which pg_dump leaves out too
  WHERE (d.objoid >= 16384 OR d.classoid = ${cls('pg_namespace')}
    OR pg_catalog.age(d.xmin) < (SELECT pg_catalog.age(t.datfrozenxid) FROM pg_catalog.pg_database t WHERE t.datname = 'template0'))
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
), t AS (
  -- pg_identify_object quotes the schema where its name needs it; objects carry the plain name
  SELECT d.*, ${idOf('d.classoid', 'd.objoid', 'd.objsubid')} AS target_id,
    ${unquotedSchema('o.schema')} AS target_schema,
    o.type, o.identity,
    ${objectDesignation('d.classoid', 'd.objoid', 'd.objsubid', 'o.type', 'o.identity')} AS target
  FROM d, LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid) o
)
SELECT 'comment on ' || t.target_id AS id, 'comment' AS kind, COALESCE(t.target_schema, '') AS schema, t.identity AS name,
  t.target_id AS parent, NULL AS owner,
  pg_catalog.json_build_object('target', t.target, 'text', pg_catalog.quote_literal(t.description)) AS def, NULL AS covers,
  t.objoid < 16384 AS preinstalled
FROM t
WHERE t.target_schema IS NULL OR (${userSchema('t.target_schema')}) OR t.objoid < 16384
UNION ALL
SELECT 'comment on database', 'comment', '', '', NULL, NULL,
  pg_catalog.json_build_object('target', 'DATABASE', 'text', pg_catalog.quote_literal(x.description)), NULL, false
FROM pg_catalog.pg_shdescription x
WHERE x.classoid = ${cls('pg_database')} AND x.objoid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
ORDER BY 1`,
};
