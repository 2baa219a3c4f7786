/**
 * Security smells read from the database after the last migration: SECURITY DEFINER functions
 * without a fixed search_path, tables with row security on but no policy, and tables without row
 * security that roles other than the owner can reach (a grant on the table or its columns, or
 * USAGE granted on its schema beyond the initial privileges).
 */
import type pg from 'pg';

export interface SecurityFacts {
  /** Model ids of SECURITY DEFINER functions with no `SET search_path`. */
  definerWithoutSearchPath: string[];
  /** Table ids with row security enabled and no policy. */
  rlsWithoutPolicy: string[];
  /** Tables without row security that other roles can reach, with the roles and how. */
  exposedWithoutRls: { table: string; roles: string[]; via: 'table grant' | 'schema grant' }[];
}

const userObject = (catalog: string, oid: string) =>
  `${oid} >= 16384 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
const idOf = (catalog: string, oid: string) =>
  `(SELECT i.type || ' ' || i.identity FROM pg_catalog.pg_identify_object('pg_catalog.${catalog}'::pg_catalog.regclass, ${oid}, 0) i)`;
const roleName = (oid: string) => `CASE WHEN ${oid} = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(${oid})) END`;

export async function readSecurityFacts(client: pg.Client): Promise<SecurityFacts> {
  const definer = await client.query<{ id: string }>(`
SELECT ${idOf('pg_proc', 'p.oid')} AS id FROM pg_catalog.pg_proc p
WHERE p.prosecdef AND ${userObject('pg_proc', 'p.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(p.proconfig) s WHERE s LIKE 'search\\_path=%')
ORDER BY 1`);
  const rls = await client.query<{ id: string }>(`
SELECT ${idOf('pg_class', 'c.oid')} AS id FROM pg_catalog.pg_class c
WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity AND ${userObject('pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy y WHERE y.polrelid = c.oid)
ORDER BY 1`);
  const exposed = await client.query<{ id: string; via: 'table grant' | 'schema grant'; roles: string[] }>(`
WITH t AS (
  SELECT c.oid, c.relowner, c.relnamespace, c.relacl FROM pg_catalog.pg_class c
  WHERE c.relkind IN ('r', 'p') AND NOT c.relrowsecurity AND ${userObject('pg_class', 'c.oid')}
    AND c.relnamespace <> 'pg_toast'::pg_catalog.regnamespace
),
table_grants AS (
  SELECT t.oid, a.grantee FROM t, pg_catalog.aclexplode(t.relacl) a WHERE a.grantee <> t.relowner
  UNION
  SELECT t.oid, a.grantee FROM t JOIN pg_catalog.pg_attribute c ON c.attrelid = t.oid AND c.attnum > 0 AND c.attacl IS NOT NULL,
    pg_catalog.aclexplode(c.attacl) a WHERE a.grantee <> t.relowner
),
schema_grants AS (
  SELECT n.oid, a.grantee FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
  WHERE a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_init_privs ip, pg_catalog.aclexplode(ip.initprivs) b
      WHERE ip.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND ip.objoid = n.oid AND b.grantee = a.grantee AND b.privilege_type = 'USAGE')
)
SELECT ${idOf('pg_class', 't.oid')} AS id, 'table grant' AS via,
  ARRAY(SELECT DISTINCT ${roleName('g.grantee')} FROM table_grants g WHERE g.oid = t.oid ORDER BY 1) AS roles
FROM t WHERE EXISTS (SELECT 1 FROM table_grants g WHERE g.oid = t.oid)
UNION ALL
SELECT ${idOf('pg_class', 't.oid')}, 'schema grant',
  ARRAY(SELECT DISTINCT ${roleName('g.grantee')} FROM schema_grants g WHERE g.oid = t.relnamespace ORDER BY 1)
FROM t WHERE EXISTS (SELECT 1 FROM schema_grants g WHERE g.oid = t.relnamespace)
  AND NOT EXISTS (SELECT 1 FROM table_grants g WHERE g.oid = t.oid)
ORDER BY 1`);
  return {
    definerWithoutSearchPath: definer.rows.map((r) => r.id),
    rlsWithoutPolicy: rls.rows.map((r) => r.id),
    exposedWithoutRls: exposed.rows.map((r) => ({ table: r.id, roles: r.roles, via: r.via })),
  };
}
