import { cls, idOf, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import { privilegesIdentity } from '../queries/identities.js';
import type { KindIntrospector } from './types.js';

/**
 * An ACL exploded into `{grantee, privilege, grantable}` entries in ACL order, grantors dropped (a
 * privilege held from two grantors is one entry). The owner's own entries say `OWNER`, so an ACL
 * compares equal whoever owns the object (owners are compared only on request).
 */
export function aclEntries(acl: string, owner: string): string {
  // Grantees keep the order of the ACL array (GRANT appends new grantees): pg_dump prints GRANTs in
  // that order, so a baseline that grants in another order would not dump identically.
  return `(SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object('grantee', e.g, 'privilege', e.p, 'grantable', e.w) ORDER BY e.first, e.g, e.p), '[]')
    FROM (SELECT g, p, w, pg_catalog.min(o) OVER (PARTITION BY g) AS first
          FROM (SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' WHEN x.grantee = ${owner} THEN 'OWNER' ELSE pg_catalog.quote_ident(r.rolname) END AS g,
                  x.privilege_type AS p, pg_catalog.bool_or(x.is_grantable) AS w, pg_catalog.min(x.n) AS o
                FROM pg_catalog.aclexplode(${acl}) WITH ORDINALITY x(grantor, grantee, privilege_type, is_grantable, n)
                LEFT JOIN pg_catalog.pg_roles r ON r.oid = x.grantee
                GROUP BY 1, 2) e0) e)`;
}

const commands: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

export const policies: KindIntrospector = {
  name: 'policy',
  query: () => `
SELECT ${selfId(cls('pg_policy'), 'p.oid')}, 'policy' AS kind, n.nspname AS schema, c.relname || '.' || p.polname AS name,
  ${idOf(cls('pg_class'), 'c.oid')} AS parent, NULL AS owner,
  pg_catalog.json_build_object('table', c.oid::pg_catalog.regclass::text, 'name', pg_catalog.quote_ident(p.polname),
    'permissive', p.polpermissive,
    'command', CASE p.polcmd ${Object.entries(commands).map(([k, v]) => `WHEN '${k}' THEN '${v}'`).join(' ')} END,
    'roles', (SELECT pg_catalog.json_agg(x.name ORDER BY x.name) FROM (SELECT CASE WHEN u.r = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(g.rolname) END AS name
        FROM pg_catalog.unnest(p.polroles) u(r) LEFT JOIN pg_catalog.pg_roles g ON g.oid = u.r) x),
    'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
    'check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)) AS def,
  NULL AS covers
FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname, p.polname`,
};

/**
 * Explicit ACLs of relations, columns, schemas, routines, types, languages, foreign-data wrappers
 * and servers, initdb's objects included: exactly the ones the completeness guard lists (an ACL
 * differing from the object's initial privileges), each covering its guard identity. Large
 * objects stay guarded.
 */
export const privileges: KindIntrospector = {
  name: 'privileges',
  query: () => `
WITH o AS (
  SELECT ${cls('pg_class')} AS classid, c.oid AS objid, 0 AS objsubid, c.relacl AS acl, c.relowner AS owner, n.nspname AS schema,
    CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END AS objtype,
    CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || c.oid::pg_catalog.regclass::text AS target, NULL AS col,
    -- an identity sequence is part of its table
    (SELECT d.refobjid FROM pg_catalog.pg_depend d WHERE c.relkind = 'S' AND d.classid = ${cls('pg_class')} AND d.objid = c.oid
       AND d.refclassid = ${cls('pg_class')} AND d.deptype = 'i') AS relid, c.relnamespace AS nspoid
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relacl IS NOT NULL AND c.relnamespace <> 'pg_toast'::pg_catalog.regnamespace
  UNION ALL
  SELECT ${cls('pg_class')}, c.oid, a.attnum, a.attacl, c.relowner, n.nspname, 'c', 'TABLE ' || c.oid::pg_catalog.regclass::text, pg_catalog.quote_ident(a.attname),
    CASE WHEN c.relkind NOT IN ('r', 'p') THEN c.oid END, c.relnamespace
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE a.attacl IS NOT NULL
  UNION ALL
  SELECT ${cls('pg_namespace')}, n.oid, 0, n.nspacl, n.nspowner, n.nspname, 'n', 'SCHEMA ' || pg_catalog.quote_ident(n.nspname), NULL, NULL, 0::pg_catalog.oid
  FROM pg_catalog.pg_namespace n WHERE n.nspacl IS NOT NULL
  UNION ALL
  SELECT ${cls('pg_proc')}, p.oid, 0, p.proacl, p.proowner, n.nspname, 'f',
    CASE WHEN p.prokind = 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || p.oid::pg_catalog.regprocedure::text, NULL, NULL, p.pronamespace
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL
  UNION ALL
  -- the database being built, whatever its name (GRANT ... ON DATABASE is emitted against current_database())
  SELECT ${cls('pg_database')}, d.oid, 0, d.datacl, d.datdba, '', 'd', 'DATABASE', NULL, NULL, 0::pg_catalog.oid
  FROM pg_catalog.pg_database d WHERE d.datacl IS NOT NULL AND d.datname = pg_catalog.current_database()
  UNION ALL
  SELECT ${cls('pg_type')}, t.oid, 0, t.typacl, t.typowner, n.nspname, 'T', 'TYPE ' || pg_catalog.format_type(t.oid, NULL), NULL, NULLIF(t.typrelid, 0), t.typnamespace
  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typacl IS NOT NULL
  UNION ALL
  SELECT ${cls('pg_language')}, l.oid, 0, l.lanacl, l.lanowner, '', 'l', 'LANGUAGE ' || pg_catalog.quote_ident(l.lanname), NULL, NULL, 0::pg_catalog.oid
  FROM pg_catalog.pg_language l WHERE l.lanacl IS NOT NULL
  UNION ALL
  SELECT ${cls('pg_foreign_data_wrapper')}, w.oid, 0, w.fdwacl, w.fdwowner, '', 'F', 'FOREIGN DATA WRAPPER ' || pg_catalog.quote_ident(w.fdwname), NULL, NULL, 0::pg_catalog.oid
  FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.fdwacl IS NOT NULL
  UNION ALL
  SELECT ${cls('pg_foreign_server')}, s.oid, 0, s.srvacl, s.srvowner, '', 'S', 'FOREIGN SERVER ' || pg_catalog.quote_ident(s.srvname), NULL, NULL, 0::pg_catalog.oid
  FROM pg_catalog.pg_foreign_server s WHERE s.srvacl IS NOT NULL
), f AS (
  SELECT o.*, ip.initprivs, ${idOf('o.classid', 'o.objid', 'o.objsubid')} AS target_id
  FROM o LEFT JOIN pg_catalog.pg_init_privs ip ON ip.classoid = o.classid AND ip.objoid = o.objid AND ip.objsubid = o.objsubid
  WHERE ip.initprivs IS DISTINCT FROM o.acl
)
SELECT CASE WHEN f.target = 'DATABASE' THEN 'privileges on the database' ELSE 'privileges on ' || f.target_id END AS id,
  'privileges' AS kind, f.schema, CASE WHEN f.target = 'DATABASE' THEN '' ELSE f.target_id END AS name,
  -- a table's row type, an identity sequence, a view's column: parts of their relation
  CASE WHEN f.relid IS NOT NULL THEN ${idOf(cls('pg_class'), 'f.relid')} WHEN f.target <> 'DATABASE' THEN f.target_id END AS parent,
  ${ownerOf('f.owner')} AS owner,
  pg_catalog.json_build_object('target', f.target, 'column', f.col, 'acl', ${aclEntries('f.acl', 'f.owner')},
    'initial', ${aclEntries('COALESCE(f.initprivs, pg_catalog.acldefault(f.objtype::"char", f.owner))', 'f.owner')},
    'creation', ${creationDefaults},
    'extension', (SELECT ${idOf('e.refclassid', 'e.refobjid')} FROM pg_catalog.pg_depend e
      WHERE e.classid = f.classid AND e.objid = f.objid AND e.objsubid = 0 AND e.deptype = 'e')) AS def,
  ARRAY[${privilegesIdentity('f.classid', 'f.objid', 'f.objsubid', 'f.acl')}] AS covers,
  -- an ACL initdb set without recording it (information_schema): as a fresh database has it
  f.objid < 16384 AND f.initprivs IS NULL AND f.target <> 'DATABASE' AS preinstalled
FROM f
ORDER BY 1`,
};

/**
 * What default privileges (of any role, global or for the object's schema) may grant an object
 * created by the baseline: those set before the migrations apply at its creation, those the
 * migrations set are emitted last and do not. Not knowing which, emit revokes whichever the
 * object lacks. `grantee privilege` pairs; a role's entries for itself (its owner rights) left out.
 */
const creationDefaults = `CASE WHEN f.objid >= 16384 AND f.col IS NULL THEN COALESCE((SELECT pg_catalog.json_agg(DISTINCT
      CASE WHEN x.grantee = 0 THEN 'PUBLIC' WHEN x.grantee = f.owner THEN 'OWNER' ELSE pg_catalog.quote_ident(r.rolname) END || ' ' || x.privilege_type)
    FROM pg_catalog.pg_default_acl d, pg_catalog.aclexplode(d.defaclacl) x LEFT JOIN pg_catalog.pg_roles r ON r.oid = x.grantee
    -- acldefault's letters are not pg_default_acl's: 's' is a sequence there, 'S' a server here
    WHERE d.defaclobjtype = CASE f.objtype WHEN 's' THEN 'S' WHEN 'S' THEN NULL ELSE f.objtype END
      AND d.defaclnamespace IN (0, f.nspoid) AND x.grantee <> d.defaclrole), '[]') ELSE '[]' END`;

const defaclObjects: Record<string, [string, string]> = { r: ['TABLES', 'r'], S: ['SEQUENCES', 's'], f: ['FUNCTIONS', 'f'], T: ['TYPES', 'T'], n: ['SCHEMAS', 'n'] };

/** ALTER DEFAULT PRIVILEGES: global entries start from the built-in default, per-schema ones from nothing. */
export const defaultAcls: KindIntrospector = {
  name: 'defaultAcl',
  query: () => `
SELECT ${selfId(cls('pg_default_acl'), 'd.oid')}, 'defaultAcl' AS kind, COALESCE(n.nspname, '') AS schema,
  (SELECT i.identity FROM pg_catalog.pg_identify_object(${cls('pg_default_acl')}, d.oid, 0) i) AS name, NULL AS parent, NULL AS owner,
  pg_catalog.json_build_object('role', pg_catalog.quote_ident(r.rolname), 'schema', pg_catalog.quote_ident(n.nspname),
    'objects', CASE d.defaclobjtype ${Object.entries(defaclObjects).map(([k, [v]]) => `WHEN '${k}' THEN '${v}'`).join(' ')} END,
    'acl', ${aclEntries('d.defaclacl', 'd.defaclrole')},
    'initial', ${aclEntries(`CASE WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(CASE d.defaclobjtype ${Object.entries(defaclObjects)
      .map(([k, [, t]]) => `WHEN '${k}' THEN '${t}'`)
      .join(' ')} END::"char", d.defaclrole) END`, 'd.defaclrole')}) AS def,
  NULL AS covers
FROM pg_catalog.pg_default_acl d JOIN pg_catalog.pg_roles r ON r.oid = d.defaclrole
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
WHERE d.oid >= 16384 AND ${notExtensionMember('pg_default_acl', 'd.oid')}
ORDER BY 1`,
};
