import { cls, selfId } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/**
 * Roles, read from pg_roles (passwords are never read). Every role is listed, initdb's (the
 * bootstrap superuser, the predefined roles) as preinstalled, so the before-snapshot subtracts the
 * roles that existed and a pre-existing role the migrations altered (ALTER ROLE postgres SET ...,
 * members) shows as changed.
 * Memberships are kept on the granted role: `GRANT app TO web` is a member `web` of `app`.
 * A role is cluster-wide: attributing it to the migrations needs a before-snapshot of the same
 * cluster, taken before they ran.
 */
export const roles: KindIntrospector = {
  name: 'role',
  query: (v) => `
SELECT ${selfId(cls('pg_authid'), 'r.oid')}, 'role' AS kind, '' AS schema, r.rolname AS name, NULL AS parent, NULL AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(r.rolname), 'superuser', r.rolsuper, 'inherit', r.rolinherit,
    'createRole', r.rolcreaterole, 'createDb', r.rolcreatedb, 'login', r.rolcanlogin, 'replication', r.rolreplication,
    'bypassRls', r.rolbypassrls, 'connectionLimit', r.rolconnlimit,
    'validUntil', pg_catalog.quote_literal(pg_catalog.to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US+00')),
    'settings', COALESCE((SELECT pg_catalog.json_agg(c ORDER BY c) FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c
      WHERE s.setrole = r.oid AND s.setdatabase = 0), '[]'),
    'comment', pg_catalog.quote_literal(pg_catalog.shobj_description(r.oid, 'pg_authid')),
    'members', COALESCE((SELECT pg_catalog.json_agg(pg_catalog.json_build_object('role', x.name, 'admin', x.admin${v >= 160000 ? `, 'inherit', x.inherit, 'set', x.set` : ''}) ORDER BY x.name)
      FROM (SELECT pg_catalog.quote_ident(m.rolname) AS name, pg_catalog.bool_or(a.admin_option) AS admin${v >= 160000 ? `,
              pg_catalog.bool_or(a.inherit_option) AS inherit, pg_catalog.bool_or(a.set_option) AS set` : ''}
            FROM pg_catalog.pg_auth_members a JOIN pg_catalog.pg_roles m ON m.oid = a.member
            WHERE a.roleid = r.oid GROUP BY 1) x), '[]')) AS def,
  NULL AS covers, r.oid < 16384 AS preinstalled
FROM pg_catalog.pg_roles r
ORDER BY r.rolname`,
};

/** ALTER DATABASE <current> SET and ALTER ROLE ... IN DATABASE <current> SET; other databases are not ours. */
export const databaseSettings: KindIntrospector = {
  name: 'databaseSettings',
  query: () => `
SELECT CASE WHEN s.setrole = 0 THEN 'database settings' ELSE 'database settings for role ' || pg_catalog.quote_ident(r.rolname) END AS id,
  'databaseSettings' AS kind, '' AS schema, COALESCE(r.rolname, '') AS name, NULL AS parent, NULL AS owner,
  pg_catalog.json_build_object('role', pg_catalog.quote_ident(r.rolname),
    'settings', (SELECT pg_catalog.json_agg(c ORDER BY c) FROM pg_catalog.unnest(s.setconfig) c)) AS def,
  NULL AS covers
FROM pg_catalog.pg_db_role_setting s LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
ORDER BY 1`,
};
