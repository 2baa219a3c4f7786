import { cls, idOf, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/**
 * Comments on every object, rendered as their COMMENT ON target. A comment on a kind the model
 * does not cover falls back to `pg_identify_object` (upper-cased type + identity), and the
 * completeness guard reports the object itself. The database's own comment (pg_shdescription) has
 * the target `DATABASE`: the baseline names the database it is applied to, not the replay's.
 */
export const comments: KindIntrospector = {
  name: 'comment',
  query: () => `
WITH d AS (
  SELECT d.classoid, d.objoid, d.objsubid, d.description FROM pg_catalog.pg_description d
  -- initdb's schemas too: migrations do COMMENT ON SCHEMA public (built-in functions and types,
  -- thousands of comments, are left out, as pg_dump leaves them)
  WHERE (d.objoid >= 16384 OR d.classoid = ${cls('pg_namespace')})
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
), t AS (
  -- pg_identify_object quotes the schema where its name needs it; objects carry the plain name
  SELECT d.*, ${idOf('d.classoid', 'd.objoid', 'd.objsubid')} AS target_id,
    CASE WHEN o.schema LIKE '"%' THEN pg_catalog.replace(pg_catalog.substr(o.schema, 2, pg_catalog.length(o.schema) - 2), '""', '"') ELSE o.schema END AS target_schema,
    o.type, o.identity,
    CASE d.classoid
      WHEN ${cls('pg_class')} THEN (SELECT CASE WHEN d.objsubid <> 0
          THEN (SELECT pg_catalog.format('COLUMN %s.%I', c.oid::pg_catalog.regclass, a.attname) FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = c.oid AND a.attnum = d.objsubid)
          ELSE (CASE c.relkind WHEN 'r' THEN 'TABLE ' WHEN 'p' THEN 'TABLE ' WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW '
                 WHEN 'S' THEN 'SEQUENCE ' WHEN 'i' THEN 'INDEX ' WHEN 'I' THEN 'INDEX ' WHEN 'f' THEN 'FOREIGN TABLE '
                 ELSE 'TYPE ' END) || c.oid::pg_catalog.regclass::text END
        FROM pg_catalog.pg_class c WHERE c.oid = d.objoid)
      WHEN ${cls('pg_type')} THEN (SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || pg_catalog.format_type(t.oid, NULL)
        FROM pg_catalog.pg_type t WHERE t.oid = d.objoid)
      WHEN ${cls('pg_proc')} THEN (SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END
        || p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p WHERE p.oid = d.objoid)
      WHEN ${cls('pg_namespace')} THEN (SELECT 'SCHEMA ' || pg_catalog.quote_ident(s.nspname) FROM pg_catalog.pg_namespace s WHERE s.oid = d.objoid)
      WHEN ${cls('pg_extension')} THEN (SELECT 'EXTENSION ' || pg_catalog.quote_ident(x.extname) FROM pg_catalog.pg_extension x WHERE x.oid = d.objoid)
      WHEN ${cls('pg_constraint')} THEN (SELECT CASE WHEN k.conrelid <> 0
          THEN pg_catalog.format('CONSTRAINT %I ON %s', k.conname, k.conrelid::pg_catalog.regclass)
          ELSE pg_catalog.format('CONSTRAINT %I ON DOMAIN %s', k.conname, pg_catalog.format_type(k.contypid, NULL)) END
        FROM pg_catalog.pg_constraint k WHERE k.oid = d.objoid)
      WHEN ${cls('pg_trigger')} THEN (SELECT pg_catalog.format('TRIGGER %I ON %s', g.tgname, g.tgrelid::pg_catalog.regclass)
        FROM pg_catalog.pg_trigger g WHERE g.oid = d.objoid)
      WHEN ${cls('pg_policy')} THEN (SELECT pg_catalog.format('POLICY %I ON %s', p.polname, p.polrelid::pg_catalog.regclass)
        FROM pg_catalog.pg_policy p WHERE p.oid = d.objoid)
      WHEN ${cls('pg_rewrite')} THEN (SELECT pg_catalog.format('RULE %I ON %s', r.rulename, r.ev_class::pg_catalog.regclass)
        FROM pg_catalog.pg_rewrite r WHERE r.oid = d.objoid)
      WHEN ${cls('pg_statistic_ext')} THEN 'STATISTICS ' || o.identity
      WHEN ${cls('pg_foreign_data_wrapper')} THEN 'FOREIGN DATA WRAPPER ' || o.identity
      ELSE pg_catalog.upper(o.type) || ' ' || o.identity
    END AS target
  FROM d, LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid) o
)
SELECT 'comment on ' || t.target_id AS id, 'comment' AS kind, COALESCE(t.target_schema, '') AS schema, t.identity AS name,
  t.target_id AS parent, NULL AS owner,
  pg_catalog.json_build_object('target', t.target, 'text', pg_catalog.quote_literal(t.description)) AS def, NULL AS covers,
  t.objoid < 16384 AS preinstalled
FROM t
WHERE t.target_schema IS NULL OR (${userSchema('t.target_schema')})
UNION ALL
SELECT 'comment on database', 'comment', '', '', NULL, NULL,
  pg_catalog.json_build_object('target', 'DATABASE', 'text', pg_catalog.quote_literal(x.description)), NULL, false
FROM pg_catalog.pg_shdescription x
WHERE x.classoid = ${cls('pg_database')} AND x.objoid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
ORDER BY 1`,
};
