/**
 * The catalog queries behind provenance (see provenance.ts). Each look picks candidates (catalog
 * addresses that may have changed) and returns one digest per candidate, null when it is gone.
 * Two ways to pick them:
 *
 * - `lookFunction`: the objects the event-trigger log (provenance-log.ts) named since the last look,
 *   plus the family of every named relation (its columns, constraints, indexes, triggers,
 *   policies, rules, owned sequences, partitions and children, and the foreign keys that point at
 *   it, which Postgres rebuilds under new OIDs without logging them). Costs what the file changed.
 * - `xminLook`: every user catalog row written since a transaction horizon. Costs what the catalog
 *   holds; used where the log cannot say (GRANT, ALTER DEFAULT PRIVILEGES, REASSIGN OWNED, event
 *   triggers) and on servers without event triggers (PGlite runs single-user).
 *
 * Digests are looked up per candidate (LATERAL, by OID index), so neither look reads more of the
 * catalog than its candidates need.
 */
import { cls as catalogClass, relationIdentity, relationType } from '../catalog/queries/common.js';

/** Where the event-trigger log lives while the replay runs (provenance-log.ts). */
export const LOG_SCHEMA = 'pgsquash_provenance';

/** A catalog's OID, as the oid the candidate rows carry. */
const cls = (catalog: string) => `${catalogClass(catalog)}::pg_catalog.oid`;
/**
 * An equality no index can serve. The looks' plans are made once, on the young catalog of the first
 * files, where the planner may pick an index that matches only one leading column of a pg_depend
 * lookup (classid: every dependency of a kind) over the one that matches two; this leaves it only
 * the right one. Such plans otherwise cost O(catalog) per file once the history is large.
 */
const unindexed = (column: string, value: string) => `${column}::pg_catalog.int8 = ${value}::pg_catalog.int8`;
const recent = (alias: string) => `${alias}.xmin::text::int8 >= $1::int8`;
const notDependent = (catalog: string, oid: string, types: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ${cls(catalog)} AND d.objid = ${oid} AND d.objsubid = 0 AND d.deptype IN (${types}))`;
const comment = (catalog: string, oid: string, sub = '0') =>
  `(SELECT x.description FROM pg_catalog.pg_description x WHERE x.classoid = ${cls(catalog)} AND x.objoid = ${oid} AND x.objsubid = ${sub})`;
const digest = (...parts: string[]) => `pg_catalog.md5(pg_catalog.concat_ws('|', ${parts.join(', ')}))`;
/** This candidate, when it is an address in `catalog`. */
const isCandidate = (catalog: string, oid: string, sub = '0') => `cand.c = ${cls(catalog)} AND cand.s = ${sub} AND ${oid} = cand.o`;

const qi = (expr: string) => `pg_catalog.quote_ident(${expr})`;
/** `schema.name` of a relation or type, from this look's rows (`pg_identify_object` would read the newest catalog). */
const qualified = (namespace: string, name: string) =>
  `(SELECT ${relationIdentity('n.nspname', name)} FROM pg_catalog.pg_namespace n WHERE n.oid = ${namespace})`;
/** A function argument's type as `pg_identify_object` names it. */
const argumentType = (oid: string) => `CASE WHEN ${oid} < 16384
  THEN (SELECT i.identity FROM pg_catalog.pg_identify_object(${cls('pg_type')}, ${oid}, 0) i)
  ELSE (SELECT CASE WHEN t.typcategory = 'A' AND t.typelem <> 0
      THEN (SELECT ${qualified('e.typnamespace', 'e.typname')} FROM pg_catalog.pg_type e WHERE e.oid = t.typelem) || '[]'
      ELSE ${qualified('t.typnamespace', 't.typname')} END
    FROM pg_catalog.pg_type t WHERE t.oid = ${oid}) END`;
const relationName = (oid: string) => `(SELECT ${qualified('q.relnamespace', 'q.relname')} FROM pg_catalog.pg_class q WHERE q.oid = ${oid})`;

/** Catalogs whose rows are whole objects: without the log, a drop shows as a smaller count of user rows. */
const counted = [
  'pg_class', 'pg_constraint', 'pg_proc', 'pg_type', 'pg_trigger', 'pg_policy', 'pg_rewrite', 'pg_namespace', 'pg_extension', 'pg_event_trigger',
  'pg_publication', 'pg_default_acl', 'pg_foreign_data_wrapper', 'pg_foreign_server', 'pg_user_mapping', 'pg_opfamily', 'pg_opclass', 'pg_operator',
];
const userRow = (catalog: string, alias: string) =>
  catalog === 'pg_namespace' ? `(${alias}.oid >= 16384 OR ${alias}.nspname = 'public')` : `${alias}.oid >= 16384`;

/**
 * Rows: `pc`/`po` the parent's address (a column's, index's, constraint's... table), `rr` the
 * relation a foreign key references, `h` the digest, `ty` and `id` the object's
 * `pg_identify_object` type and identity, built from the rows this look reads so that a look
 * running behind the migrations names objects as they were, even those a later file dropped
 * (`pg_identify_object` reads the newest catalog).
 *
 * Relations digest only the columns a migration sets (relpages, reltuples, relhasindex... change
 * with unrelated work); a view's rule, an index's keys and a sequence's options belong to the
 * relation. Other kinds digest their whole catalog row, which changes only through DDL.
 */
const relations = `
SELECT CASE WHEN x.indrelid IS NOT NULL OR q.refobjid IS NOT NULL THEN ${cls('pg_class')} END AS pc,
  COALESCE(x.indrelid, q.refobjid) AS po, NULL::pg_catalog.oid AS rr,
  ${digest('r.relname', 'r.relnamespace::text', 'r.relkind::text', 'r.relpersistence::text', 'r.reloptions::text', 'r.relrowsecurity::text',
    'r.relforcerowsecurity::text', 'r.relreplident::text', 'r.relowner::text', 'r.relacl::text', 'r.relam::text', 'r.relpartbound::text',
    'r.reloftype::text',
    `(SELECT w.ev_action::text FROM pg_catalog.pg_rewrite w WHERE w.ev_class = r.oid AND w.rulename = '_RETURN')`,
    `(x.indkey::text || x.indclass::text || x.indisunique::text || x.indisclustered::text || COALESCE(x.indexprs::text, '') || COALESCE(x.indpred::text, ''))`,
    `(SELECT q2::text FROM pg_catalog.pg_sequence q2 WHERE q2.seqrelid = r.oid)`,
    `(SELECT ft::text FROM pg_catalog.pg_foreign_table ft WHERE ft.ftrelid = r.oid)`,
    comment('pg_class', 'r.oid'))} AS h,
  ${relationType('r.relkind')} AS ty, ${qualified('r.relnamespace', 'r.relname')} AS id
FROM pg_catalog.pg_class r
LEFT JOIN pg_catalog.pg_index x ON x.indexrelid = r.oid
LEFT JOIN pg_catalog.pg_depend q ON r.relkind = 'S' AND q.classid = ${cls('pg_class')} AND q.objid = r.oid AND ${unindexed('q.refclassid', cls('pg_class'))} AND q.deptype = 'a'
WHERE ${isCandidate('pg_class', 'r.oid')} AND r.relkind <> 't' AND r.relpersistence <> 't' AND r.relnamespace <> 'pg_toast'::pg_catalog.regnamespace
  AND ${notDependent('pg_class', 'r.oid', "'e', 'i'")}`;

const columns = `
SELECT ${cls('pg_class')}, a.attrelid, NULL::pg_catalog.oid,
  ${digest('a.attname', 'a.atttypid::text', 'a.atttypmod::text', 'a.attnotnull::text', 'a.attidentity::text', 'a.attgenerated::text',
    'a.attcollation::text', 'a.attacl::text', 'a.attstorage::text', 'ad.adbin::text', 'a.attoptions::text', 'a.attfdwoptions::text',
    comment('pg_class', 'a.attrelid', 'a.attnum'))},
  ${relationType('r.relkind')} || ' column', ${qualified('r.relnamespace', 'r.relname')} || '.' || ${qi('a.attname')}
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class r ON r.oid = a.attrelid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE cand.c = ${cls('pg_class')} AND cand.s > 0 AND a.attrelid = cand.o AND a.attnum = cand.s
  AND r.relkind IN ('r', 'p', 'f', 'c') AND r.relpersistence <> 't' AND NOT a.attisdropped
  AND ${notDependent('pg_class', 'r.oid', "'e', 'i'")}`;

interface Named {
  type: string;
  identity: string;
}

interface Branch {
  catalog: string;
  /** Columns: pg_class addresses with a subid. */
  columns?: boolean;
  sql: string;
}

const wholeRows = (catalog: string, alias: string, where: string, named: Named, parent?: { c: string; o: string; rr?: string }): Branch => ({
  catalog,
  sql: `
SELECT ${parent ? parent.c : 'NULL::pg_catalog.oid'}, ${parent ? parent.o : 'NULL::pg_catalog.oid'}, ${parent?.rr ?? 'NULL::pg_catalog.oid'},
  ${digest(`${alias}::text`, comment(catalog, `${alias}.oid`))}, ${named.type}, ${named.identity}
FROM pg_catalog.${catalog} ${alias}
WHERE ${isCandidate(catalog, `${alias}.oid`)} AND ${notDependent(catalog, `${alias}.oid`, "'e', 'i'")}${where ? ` AND ${where}` : ''}`,
});

const onRelation = (type: string, name: string, relation: string): Named => ({ type: `'${type}'`, identity: `${qi(name)} || ' on ' || ${relationName(relation)}` });

/** Digest queries by catalog (pg_class: relations and, with a subid, columns). */
const branches: Branch[] = [
  { catalog: 'pg_class', sql: relations },
  { catalog: 'pg_class', columns: true, sql: columns },
  wholeRows(
    'pg_constraint',
    'k',
    '',
    {
      type: `CASE WHEN k.conrelid <> 0 THEN 'table constraint' ELSE 'domain constraint' END`,
      identity: `${qi('k.conname')} || ' on ' || CASE WHEN k.conrelid <> 0 THEN ${relationName('k.conrelid')}
        ELSE (SELECT ${qualified('t.typnamespace', 't.typname')} FROM pg_catalog.pg_type t WHERE t.oid = k.contypid) END`,
    },
    {
      c: `CASE WHEN k.conrelid <> 0 THEN ${cls('pg_class')} ELSE ${cls('pg_type')} END`,
      o: `CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END`,
      rr: `NULLIF(k.confrelid, 0)`,
    },
  ),
  wholeRows('pg_proc', 'p', '', {
    type: `CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END`,
    // Argument types as pg_identify_object writes them (format_type_be_qualified): built-in ones
    // from it (they never change), user types and their arrays from this look's rows.
    identity: `${qualified('p.pronamespace', 'p.proname')} || '(' || COALESCE((SELECT pg_catalog.string_agg(${argumentType('a.t')}, ',' ORDER BY a.n)
      FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY a(t, n)), '') || ')'`,
  }),
  // Relation row types and arrays belong to their relation or element type; enum labels to the enum.
  {
    catalog: 'pg_type',
    sql: `
SELECT NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid,
  ${digest('t::text', `(SELECT pg_catalog.string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)`, comment('pg_type', 't.oid'))},
  'type', ${qualified('t.typnamespace', 't.typname')}
FROM pg_catalog.pg_type t
WHERE ${isCandidate('pg_type', 't.oid')} AND t.typrelid = 0 AND ${notDependent('pg_type', 't.oid', "'e', 'i'")}`,
  },
  wholeRows('pg_trigger', 'g', 'NOT g.tgisinternal', onRelation('trigger', 'g.tgname', 'g.tgrelid'), { c: cls('pg_class'), o: 'g.tgrelid' }),
  wholeRows('pg_policy', 'y', '', onRelation('policy', 'y.polname', 'y.polrelid'), { c: cls('pg_class'), o: 'y.polrelid' }),
  wholeRows('pg_rewrite', 'w', `w.rulename <> '_RETURN'`, onRelation('rule', 'w.rulename', 'w.ev_class'), { c: cls('pg_class'), o: 'w.ev_class' }),
  {
    catalog: 'pg_namespace',
    sql: `
SELECT NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid,
  ${digest('n.nspname', 'n.nspowner::text', 'n.nspacl::text', comment('pg_namespace', 'n.oid'))}, 'schema', ${qi('n.nspname')}
FROM pg_catalog.pg_namespace n
WHERE ${isCandidate('pg_namespace', 'n.oid')} AND n.nspname !~ '^pg_(toast_)?temp_' AND ${notDependent('pg_namespace', 'n.oid', "'e'")}`,
  },
  wholeRows('pg_extension', 'e', '', { type: `'extension'`, identity: qi('e.extname') }),
  wholeRows('pg_event_trigger', 'v', '', { type: `'event trigger'`, identity: qi('v.evtname') }),
  wholeRows('pg_publication', 'b', '', { type: `'publication'`, identity: qi('b.pubname') }),
  wholeRows('pg_operator', 'op', 'op.oprcode <> 0', {
    type: `'operator'`,
    identity: `${qi('(SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE n.oid = op.oprnamespace)')} || '.' || op.oprname || '('
      || CASE WHEN op.oprleft = 0 THEN 'NONE' ELSE ${argumentType('op.oprleft')} END || ','
      || CASE WHEN op.oprright = 0 THEN 'NONE' ELSE ${argumentType('op.oprright')} END || ')'`,
  }),
  wholeRows('pg_opfamily', 'of', '', {
    type: `'operator family'`,
    identity: `${qualified('of.opfnamespace', 'of.opfname')} || ' USING ' || (SELECT ${qi('am.amname')} FROM pg_catalog.pg_am am WHERE am.oid = of.opfmethod)`,
  }),
  wholeRows('pg_opclass', 'oc', '', {
    type: `'operator class'`,
    identity: `${qualified('oc.opcnamespace', 'oc.opcname')} || ' USING ' || (SELECT ${qi('am.amname')} FROM pg_catalog.pg_am am WHERE am.oid = oc.opcmethod)`,
  }),
  wholeRows('pg_foreign_data_wrapper', 'fw', '', { type: `'foreign-data wrapper'`, identity: qi('fw.fdwname') }),
  wholeRows('pg_foreign_server', 'fs', '', { type: `'server'`, identity: qi('fs.srvname') }),
  // a mapping belongs to its server; pg_identify_object names both unquoted
  wholeRows(
    'pg_user_mapping',
    'um',
    '',
    {
      type: `'user mapping'`,
      identity: `COALESCE((SELECT r.rolname FROM pg_catalog.pg_authid r WHERE r.oid = um.umuser), 'public') || ' on server '
        || (SELECT fs.srvname FROM pg_catalog.pg_foreign_server fs WHERE fs.oid = um.umserver)`,
    },
    { c: cls('pg_foreign_server'), o: 'um.umserver' },
  ),
  wholeRows('pg_default_acl', 'f', '', {
    type: `'default acl'`,
    identity: `'for role ' || (SELECT ${qi('r.rolname')} FROM pg_catalog.pg_authid r WHERE r.oid = f.defaclrole)
      || COALESCE(' in schema ' || (SELECT ${qi('n.nspname')} FROM pg_catalog.pg_namespace n WHERE n.oid = f.defaclnamespace), '')
      || CASE f.defaclobjtype WHEN 'r' THEN ' on tables' WHEN 'S' THEN ' on sequences' WHEN 'f' THEN ' on functions' WHEN 'T' THEN ' on types'
        WHEN 'n' THEN ' on schemas' END`,
  }),
];

/**
 * One `d` row per candidate of the CTE `cand`: its digest (null when it is gone) and, when it
 * exists, its `pg_identify_object` type and identity as of this look.
 */
const digests = `
SELECT 'd' AS t, cand.c, cand.o, cand.s, g.pc, g.po, g.rr, g.h, g.ty, g.id
FROM cand LEFT JOIN LATERAL (${branches.map((b) => b.sql).join('\n  UNION ALL')}) g ON true`;

/** Every role as an `r` row (roles are global: no event trigger sees them; pg_roles is small). */
const roles = `SELECT 'r'::text, ${cls('pg_authid')}, r.oid, 0, NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid, pg_catalog.md5(r::text), 'role'::text, pg_catalog.quote_ident(r.rolname) FROM pg_catalog.pg_roles r WHERE r.oid >= 16384`;

/** The next transaction id to be assigned (32 bits, as in `xmin`): rows written later have an xmin at or above it. */
const xmaxNow = `(pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::int8 & 4294967295)`;

/** The transaction horizon for the next xmin look, as an `x` row. */
const horizon = `SELECT 'x', 0, 0, 0, NULL, NULL, NULL, ${xmaxNow}::text, NULL, NULL`;

/**
 * Candidates by xmin: catalog rows written at or after the horizon `$1`. Every range starts at the
 * first user OID, so each scan is an index range over user objects only.
 */
const xminCandidates = [
  ...counted.map((catalog) => `SELECT ${cls(catalog)} AS c, o.oid AS o, 0 AS s FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')} AND ${recent('o')}`),
  `SELECT ${cls('pg_class')}, a.attrelid, a.attnum::int FROM pg_catalog.pg_attribute a WHERE a.attrelid >= 16384 AND a.attnum > 0 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.adrelid, a.adnum::int FROM pg_catalog.pg_attrdef a WHERE a.adrelid >= 16384 AND ${recent('a')}`,
  `SELECT a.classoid, a.objoid, a.objsubid FROM pg_catalog.pg_description a WHERE a.objoid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.indexrelid, 0 FROM pg_catalog.pg_index a WHERE a.indexrelid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.ev_class, 0 FROM pg_catalog.pg_rewrite a WHERE a.oid >= 16384 AND a.rulename = '_RETURN' AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.seqrelid, 0 FROM pg_catalog.pg_sequence a WHERE a.seqrelid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_type')}, a.enumtypid, 0 FROM pg_catalog.pg_enum a WHERE a.oid >= 16384 AND ${recent('a')}`,
  `SELECT ${cls('pg_class')}, a.objid, 0 FROM pg_catalog.pg_depend a WHERE a.classid = ${cls('pg_class')} AND a.objid >= 16384 AND a.deptype = 'a' AND ${recent('a')}`,
];

/**
 * `d` rows for every candidate since horizon `$1`, `r` rows for every role, an `x` row with the next
 * horizon, and one `n` row per counted catalog with its number of user rows.
 */
export const xminLook = `WITH cand AS MATERIALIZED (${xminCandidates.join('\n  UNION ')})
${[
  digests,
  roles,
  ...counted.map((catalog) => `SELECT 'n', ${cls(catalog)}, (SELECT pg_catalog.count(*) FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')})::pg_catalog.oid, 0, NULL, NULL, NULL, '${catalog}', NULL, NULL`),
  horizon,
].join('\nUNION ALL\n')}`;

/** The user OIDs of one counted catalog, when its count says rows were deleted. */
export const userOids = (catalog: string) => `SELECT o.oid FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')}`;

/** The user OIDs of every counted catalog, as (c, o) rows: what exists, to tell what is gone. */
export const allUserOids = counted.map((catalog) => `SELECT ${cls(catalog)} AS c, o.oid AS o FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')}`).join('\nUNION ALL ');

/** The bounds of a look's snapshot: the transaction horizon and the last log entry. */
export const snapshotBounds = `SELECT ${xmaxNow}::text AS x, (SELECT COALESCE(pg_catalog.max(l.n), 0) FROM ${LOG_SCHEMA}.log l)::text AS n`;

/** A catalog row written since the horizon `$2` of the last look. */
const changed = (alias: string) => `${alias}.xmin::text::int8 >= $2::int8`;

/**
 * The family of a named relation: what a command on it may change without naming it, with `n`
 * true for members whose rows were written since the last look (only those are digested).
 * Foreign keys on other tables that reference it are rebuilt when a referenced column's type changes.
 * Rows found through pg_depend are fetched per dependency (LATERAL ... OFFSET 0): planned on a
 * young catalog, a join would scan all of pg_constraint for each relation (no index on confrelid).
 */
const family = `
SELECT ${cls('pg_class')} AS c, a.attrelid AS o, a.attnum::int AS s,
  ${changed('a')} OR EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum AND ${changed('ad')}) AS n
  FROM pg_catalog.pg_attribute a WHERE a.attrelid = rels.r AND a.attnum > 0
UNION ALL SELECT ${cls('pg_constraint')}, k.oid, 0, ${changed('k')} FROM pg_catalog.pg_constraint k WHERE k.conrelid = rels.r
UNION ALL SELECT ${cls('pg_constraint')}, k.oid, 0, ${changed('k')} FROM pg_catalog.pg_depend d,
    LATERAL (SELECT k.oid, k.xmin FROM pg_catalog.pg_constraint k WHERE k.oid = d.objid AND k.contype = 'f' AND k.confrelid = rels.r OFFSET 0) k
  WHERE d.refclassid = ${cls('pg_class')} AND d.refobjid = rels.r AND ${unindexed('d.classid', cls('pg_constraint'))}
UNION ALL SELECT ${cls('pg_class')}, x.indexrelid, 0, ${changed('x')} OR ${changed('i')} FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = rels.r
UNION ALL SELECT ${cls('pg_trigger')}, g.oid, 0, ${changed('g')} FROM pg_catalog.pg_trigger g WHERE g.tgrelid = rels.r AND NOT g.tgisinternal
UNION ALL SELECT ${cls('pg_policy')}, y.oid, 0, ${changed('y')} FROM pg_catalog.pg_policy y WHERE y.polrelid = rels.r
UNION ALL SELECT ${cls('pg_rewrite')}, w.oid, 0, ${changed('w')} FROM pg_catalog.pg_rewrite w WHERE w.ev_class = rels.r AND w.rulename <> '_RETURN'
UNION ALL SELECT ${cls('pg_class')}, d.objid, 0, ${changed('d')} OR ${changed('q')} FROM pg_catalog.pg_depend d,
    LATERAL (SELECT q.xmin FROM pg_catalog.pg_class q WHERE q.oid = d.objid OFFSET 0) q
  WHERE d.refclassid = ${cls('pg_class')} AND d.refobjid = rels.r AND ${unindexed('d.classid', cls('pg_class'))} AND d.deptype = 'a'`;

/** A row of the look function's result, with the columns of every look's rows. */
const row = (t: string, c: string, o: string, sub: string, rest = 'NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::text, NULL::text, NULL::text') =>
  `SELECT '${t}'::text, ${c}, ${o}, ${sub}, ${rest}`;

/** The digests of the candidates (arrays `v_cc`, `v_co`, `v_cs`) in one branch's catalog. */
const branchLook = (b: Branch) => `IF ${cls(b.catalog)} = ANY (v_cc) THEN
    RETURN QUERY SELECT 'd'::text, cand.c, cand.o, cand.s, g.pc, g.po, g.rr, g.h, g.ty, g.id
      FROM ROWS FROM (pg_catalog.unnest(v_cc), pg_catalog.unnest(v_co), pg_catalog.unnest(v_cs)) cand (c, o, s) LEFT JOIN LATERAL (${b.sql}) g (pc, po, rr, h, ty, id) ON true
      WHERE cand.c = ${cls(b.catalog)} AND cand.s ${b.columns ? '>' : '='} 0;
  END IF;`;

/**
 * The logged look, as a function the migration session calls right after each file
 * (`look(n, x)`: the log's entries after `n`, catalog rows written since horizon `x`). Its result:
 * a `b` row with the next bounds (horizon in `h`, last log entry in `id`); `d` rows for the logged
 * objects and the family members written since `x`; `m` rows for the other members (present,
 * unchanged); `f` rows naming each relation whose family was read (tracked members not returned
 * are gone); a `g` row when an address-less command (GRANT, ALTER DEFAULT PRIVILEGES) was logged;
 * `r` rows (every role), or an `e` row with the error it hit.
 *
 * One small statement per catalog that has candidates, each planned once for the session: a
 * single statement over every catalog costs ~1 ms to start even when the log is empty, more than
 * a small migration takes to run. Settings are the function's own, whatever the migrations set.
 */
export const lookFunction = `
CREATE FUNCTION ${LOG_SCHEMA}.look(pg_catalog.int8, pg_catalog.int8)
RETURNS TABLE (t text, c pg_catalog.oid, o pg_catalog.oid, s pg_catalog.int4, pc pg_catalog.oid, po pg_catalog.oid, rr pg_catalog.oid, h text, ty text, id text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_mergejoin = off SET enable_hashjoin = off SET jit = off AS $look$
#variable_conflict use_column
DECLARE
  v_last pg_catalog.int8; v_g boolean;
  v_rels pg_catalog.oid[];
  v_mc pg_catalog.oid[]; v_mo pg_catalog.oid[]; v_ms pg_catalog.int4[];
  v_cc pg_catalog.oid[]; v_co pg_catalog.oid[]; v_cs pg_catalog.int4[];
BEGIN
  SELECT pg_catalog.max(l.n) INTO v_last FROM ${LOG_SCHEMA}.log l WHERE l.n > $1;
  IF v_last IS NOT NULL THEN
    WITH RECURSIVE log AS MATERIALIZED (SELECT l.c, l.o, l.s FROM ${LOG_SCHEMA}.log l WHERE l.n > $1 AND l.n <= v_last),
    rels (r) AS (
      SELECT l.o FROM log l WHERE l.c = ${cls('pg_class')} AND l.s = 0
      UNION SELECT i.inhrelid FROM rels JOIN pg_catalog.pg_inherits i ON i.inhparent = rels.r),
    members AS MATERIALIZED (SELECT f.c, f.o, f.s, f.n FROM rels, LATERAL (${family}) f),
    cand AS MATERIALIZED (
      SELECT l.c, l.o, l.s FROM log l WHERE l.c IS NOT NULL AND l.c <> 0
      UNION SELECT ${cls('pg_class')}, rels.r, 0 FROM rels
      UNION SELECT m.c, m.o, m.s FROM members m WHERE m.n
      UNION SELECT ${cls('pg_constraint')}, k.oid, 0 FROM log l JOIN pg_catalog.pg_constraint k ON k.contypid = l.o WHERE l.c = ${cls('pg_type')})
    SELECT (SELECT pg_catalog.array_agg(rels.r) FROM rels),
      (SELECT pg_catalog.array_agg(m.c) FROM members m WHERE NOT m.n), (SELECT pg_catalog.array_agg(m.o) FROM members m WHERE NOT m.n),
      (SELECT pg_catalog.array_agg(m.s) FROM members m WHERE NOT m.n),
      (SELECT pg_catalog.array_agg(x.c) FROM cand x), (SELECT pg_catalog.array_agg(x.o) FROM cand x), (SELECT pg_catalog.array_agg(x.s) FROM cand x),
      EXISTS (SELECT 1 FROM log l WHERE l.c IS NULL OR l.c = 0)
    INTO v_rels, v_mc, v_mo, v_ms, v_cc, v_co, v_cs, v_g;
  END IF;
  RETURN QUERY ${row('b', 'NULL::pg_catalog.oid', 'NULL::pg_catalog.oid', 'NULL::pg_catalog.int4', `NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid, ${xmaxNow}::text, NULL::text, COALESCE(v_last, $1)::text`)}
    UNION ALL ${roles}
    UNION ALL ${row('m', 'm.c', 'm.o', 'm.s')} FROM ROWS FROM (pg_catalog.unnest(v_mc), pg_catalog.unnest(v_mo), pg_catalog.unnest(v_ms)) m (c, o, s)
    UNION ALL ${row('f', cls('pg_class'), 'rels.r', '0')} FROM pg_catalog.unnest(v_rels) rels (r)
    UNION ALL ${row('g', '0::pg_catalog.oid', '0::pg_catalog.oid', '0')} WHERE v_g;
  IF v_cc IS NULL THEN RETURN; END IF;
  ${branches.map(branchLook).join('\n  ')}
EXCEPTION WHEN OTHERS THEN
  RETURN QUERY ${row('e', 'NULL::pg_catalog.oid', 'NULL::pg_catalog.oid', 'NULL::pg_catalog.int4', `NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid, SQLSTATE, NULL::text, SQLERRM`)};
END
$look$`;

/** What a migration session runs after each file: the look since `bounds`. */
export const lookCall = (bounds: { n: string; x: string }) => `SELECT * FROM ${LOG_SCHEMA}.look(${BigInt(bounds.n)}, ${BigInt(bounds.x)})`;
