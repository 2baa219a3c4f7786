import { SCRATCH_SUFFIX } from '../../engine/database.js';
import { address, byColumn, cls, idOf, modelledConstraint, modelledIndex, modelledTable, TABLE_RELKINDS } from './common.js';

/**
 * Catalogs whose rows are database objects a migration can create. The completeness guard takes
 * every such object (minus extension members and internal parts) and subtracts what the model
 * covers; what is left is reported by name. Adding a catalog here only widens the guard. Tables,
 * their indexes and constraints that the kinds read are left out (common.ts `modelledTable`).
 */
const extensionFamily = (family: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_opfamily')} AND e.objid = ${family} AND e.deptype = 'e')`;

/**
 * A large object's rows live in pg_largeobject_metadata, but its address names pg_largeobject (as
 * pg_depend and pg_identify_object have it; the metadata catalog's OID makes the latter fail).
 */
const addressClass = (catalog: string) => cls(catalog === 'pg_largeobject_metadata' ? 'pg_largeobject' : catalog);

const catalogs = (v: number): { catalog: string; where?: string }[] => [
  { catalog: 'pg_namespace', where: `nspname !~ '^pg_(toast_)?temp_' AND nspname <> 'pg_toast'` },
  { catalog: 'pg_class', where: `relnamespace <> 'pg_toast'::pg_catalog.regnamespace AND relpersistence <> 't'
      AND NOT (relkind IN ('i', 'I') AND EXISTS (SELECT 1 FROM pg_catalog.pg_index x JOIN pg_catalog.pg_depend e
        ON e.classid = ${cls('pg_class')} AND e.objid = x.indrelid AND e.deptype = 'e' WHERE x.indexrelid = o.oid))
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.oid = o.relnamespace AND (${modelledTable('o', 'n')}
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class t ON t.oid = x.indrelid WHERE x.indexrelid = o.oid AND ${modelledIndex('o', 't', 'n')})))` },
  { catalog: 'pg_proc' },
  { catalog: 'pg_type' },
  { catalog: 'pg_constraint', where: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_class')} AND e.objid = o.conrelid AND e.deptype = 'e')
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE t.oid = o.conrelid AND ${modelledConstraint('o', 't', 'n')})
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_type')} AND e.objid = o.contypid AND e.deptype = 'e')` },
  { catalog: 'pg_trigger', where: `NOT tgisinternal AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_class')} AND e.objid = o.tgrelid AND e.deptype = 'e')` },
  { catalog: 'pg_policy', where: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_class')} AND e.objid = o.polrelid AND e.deptype = 'e')` },
  { catalog: 'pg_rewrite', where: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_class')} AND e.objid = o.ev_class AND e.deptype = 'e')` },
  { catalog: 'pg_extension' },
  { catalog: 'pg_event_trigger' },
  { catalog: 'pg_publication' },
  { catalog: 'pg_publication_rel' },
  ...(v >= 150000 ? [{ catalog: 'pg_publication_namespace' }] : []),
  { catalog: 'pg_statistic_ext' },
  { catalog: 'pg_collation' },
  { catalog: 'pg_ts_config' },
  { catalog: 'pg_ts_dict' },
  { catalog: 'pg_ts_parser' },
  { catalog: 'pg_ts_template' },
  { catalog: 'pg_opclass' },
  { catalog: 'pg_opfamily' },
  { catalog: 'pg_operator' },
  // Loose members of an operator family belong to it; an extension's family brings its own.
  { catalog: 'pg_amop', where: extensionFamily('o.amopfamily') },
  { catalog: 'pg_amproc', where: extensionFamily('o.amprocfamily') },
  { catalog: 'pg_am' },
  { catalog: 'pg_cast' },
  { catalog: 'pg_conversion' },
  { catalog: 'pg_transform' },
  { catalog: 'pg_language' },
  { catalog: 'pg_foreign_data_wrapper' },
  { catalog: 'pg_foreign_server' },
  { catalog: 'pg_user_mapping' },
  { catalog: 'pg_default_acl' },
  { catalog: 'pg_largeobject_metadata' },
  { catalog: 'pg_subscription', where: `subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())` },
  // Defaults of table columns belong to the column; others (a view column's default) are objects.
  { catalog: 'pg_attrdef', where: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = o.adrelid AND r.relkind IN ${TABLE_RELKINDS})` },
];

export function identitiesQuery(v: number): string {
  const parts = catalogs(v).map(
    ({ catalog, where }) =>
      `SELECT ${addressClass(catalog)} AS classid, o.oid AS objid FROM pg_catalog.${catalog} o WHERE o.oid >= 16384${where ? ` AND ${where}` : ''}`,
  );
  return byColumn(['a'], `
WITH o AS (${parts.join('\n  UNION ALL ')})
SELECT ${address('o.classid', 'o.objid', '0')} AS a FROM o
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = o.classid AND d.objid = o.objid AND d.objsubid = 0 AND d.deptype IN ('e', 'i'))`);
}

/** Catalogs with an ACL column: (catalog, acl column, sub-object column or null). */
const aclCatalogs: { catalog: string; acl: string; sub?: string; from?: string; where?: string }[] = [
  { catalog: 'pg_class', acl: 'relacl', where: `relnamespace <> 'pg_toast'::pg_catalog.regnamespace` },
  { catalog: 'pg_class', acl: 'attacl', sub: 'a.attnum', from: 'JOIN pg_catalog.pg_attribute a ON a.attrelid = o.oid AND a.attnum > 0 AND NOT a.attisdropped' },
  { catalog: 'pg_namespace', acl: 'nspacl' },
  { catalog: 'pg_proc', acl: 'proacl' },
  { catalog: 'pg_type', acl: 'typacl' },
  { catalog: 'pg_language', acl: 'lanacl' },
  { catalog: 'pg_foreign_data_wrapper', acl: 'fdwacl' },
  { catalog: 'pg_foreign_server', acl: 'srvacl' },
  { catalog: 'pg_largeobject_metadata', acl: 'lomacl' },
];

/**
 * Privileges as guard identities, `privileges on <object id>: <sorted acl>`: any object with an
 * explicit ACL (for extension members: one that differs from the extension script's, kept in
 * pg_init_privs). Grants are not modelled yet, so these stop the baseline instead of being lost;
 * a grants kind covers them by listing the same strings (see `privilegesIdentity`).
 */
export function privilegesQuery(): string {
  const parts = aclCatalogs.map(({ catalog, acl, sub, from, where }) => {
    const column = `${sub ? 'a' : 'o'}.${acl}`;
    return `SELECT ${addressClass(catalog)} AS classid, o.oid AS objid, ${sub ?? '0'}::int AS objsubid, ${column} AS acl
    FROM pg_catalog.${catalog} o ${from ?? ''}
    WHERE ${column} IS NOT NULL${where ? ` AND ${where}` : ''}`;
  });
  return `
WITH o AS (${parts.join('\n  UNION ALL ')}),
-- the cluster's other databases, but pgsquash's own (a replay's, a verification's)
others AS (SELECT d.oid, d.datname, d.datacl FROM pg_catalog.pg_database d
  WHERE d.datname <> pg_catalog.current_database() AND d.datname !~ '${SCRATCH_SUFFIX}')
SELECT ${privilegesIdentity('o.classid', 'o.objid', 'o.objsubid', 'o.acl')} AS id FROM o
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_init_privs ip WHERE ip.classoid = o.classid AND ip.objoid = o.objid
    AND ip.objsubid = o.objsubid AND ip.initprivs = o.acl)
  -- initdb objects count too (REVOKE EXECUTE ON FUNCTION now() FROM PUBLIC): those whose ACL
  -- initdb set without recording it (information_schema) are in the before-snapshot already
-- Security labels are not modelled either: named here, they stop the baseline instead of being lost.
UNION ALL
SELECT 'security label for ' || l.provider || ' on ' || ${idOf('l.classoid', 'l.objoid', 'l.objsubid')} FROM pg_catalog.pg_seclabel l WHERE l.objoid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = l.classoid AND e.objid = l.objoid AND e.deptype = 'e')
-- Another database of the cluster changed by name (ALTER DATABASE postgres SET ..., GRANT ... ON
-- DATABASE postgres, COMMENT ON DATABASE postgres): the replay's database has another name, so
-- the change landed outside what is read. Named here, it stops the baseline instead of being lost.
UNION ALL
SELECT 'settings of database ' || pg_catalog.quote_ident(d.datname) || COALESCE(' for role ' || pg_catalog.quote_ident(r.rolname), '') || ': '
    || pg_catalog.array_to_string(s.setconfig, ',')
  FROM pg_catalog.pg_db_role_setting s JOIN others d ON d.oid = s.setdatabase LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
UNION ALL
SELECT 'privileges on database ' || pg_catalog.quote_ident(d.datname) || ': ' || d.datacl::text FROM others d WHERE d.datacl IS NOT NULL
UNION ALL
SELECT 'comment on database ' || pg_catalog.quote_ident(d.datname) || ': ' || x.description
  FROM pg_catalog.pg_shdescription x JOIN others d ON d.oid = x.objoid
  WHERE x.classoid = ${cls('pg_database')}`;
}

/** Guard names of another database's settings, privileges or comment (privilegesQuery). */
export const OTHER_DATABASE = /^(settings of|privileges on|comment on) database /;

/** The guard identity of an object's privileges. */
export function privilegesIdentity(classid: string, objid: string, objsubid: string, acl: string): string {
  return `('privileges on ' || ${idOf(classid, objid, objsubid)} || ': ' || pg_catalog.array_to_string(ARRAY(SELECT x::text FROM pg_catalog.unnest(${acl}) x ORDER BY 1), ','))`;
}
