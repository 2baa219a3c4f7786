/**
 * The catalog queries behind provenance (see provenance.ts): one digest per user object, for the
 * candidates of one look. Two ways to pick candidates: every catalog row written since the last
 * look (`fingerprintQuery`, by xmin), or the objects the event-trigger log names plus their family
 * (`loggedQuery`, see provenance-log.ts), which costs what the file changed rather than what the
 * catalog holds.
 */
import { LOG_SCHEMA } from './provenance-log.js';

export const cls = (catalog: string) => `'pg_catalog.${catalog}'::pg_catalog.regclass::pg_catalog.oid`;
const recent = (alias: string) => `${alias}.xmin::text::int8 >= (SELECT x FROM since)`;
const notDependent = (catalog: string, oid: string, types: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ${cls(catalog)} AND d.objid = ${oid} AND d.objsubid = 0 AND d.deptype IN (${types}))`;
const comment = (catalog: string, oid: string, sub = '0') =>
  `(SELECT x.description FROM pg_catalog.pg_description x WHERE x.classoid = ${cls(catalog)} AND x.objoid = ${oid} AND x.objsubid = ${sub})`;
const digest = (...parts: string[]) => `pg_catalog.md5(pg_catalog.concat_ws('|', ${parts.join(', ')}))`;

/** Catalogs whose rows are whole objects: a drop shows as a smaller count of rows with user OIDs. */
export const counted = ['pg_class', 'pg_constraint', 'pg_proc', 'pg_type', 'pg_trigger', 'pg_policy', 'pg_rewrite', 'pg_namespace', 'pg_extension', 'pg_event_trigger', 'pg_publication', 'pg_default_acl'];
export const userRow = (catalog: string, alias: string) =>
  catalog === 'pg_namespace' ? `(${alias}.oid >= 16384 OR ${alias}.nspname = 'public')` : `${alias}.oid >= 16384`;

/**
 * Candidates: objects with a catalog row written since the last look (xmin at or after the
 * transaction horizon then); catalog rows a migration writes only through DDL. Every range starts
 * at the first user OID, so each scan is an index range over user objects only.
 */
const candidates = [
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
 * The digest of each candidate, one SELECT per catalog, joined to the candidates named `cand`:
 * `from` is what that name stands for (the candidate CTE, or one candidate row).
 */
const digestParts = (from: string): string[] => {
  const candidate = (catalog: string, oid: string, sub = '0') => `JOIN ${from} ON cand.c = ${cls(catalog)} AND cand.o = ${oid} AND cand.s = ${sub}`;
/**
 * Relations: only the columns a migration sets (relpages, reltuples, relhasindex... change with
 * unrelated work). A view's rule, an index's keys and a sequence's options belong to the relation.
 */
  const relations = `
SELECT ${cls('pg_class')} AS c, r.oid AS o, 0 AS s,
  CASE WHEN x.indrelid IS NOT NULL OR q.refobjid IS NOT NULL THEN ${cls('pg_class')} END AS pc,
  COALESCE(x.indrelid, q.refobjid) AS po, NULL::pg_catalog.oid AS rr,
  ${digest('r.relname', 'r.relnamespace::text', 'r.relkind::text', 'r.relpersistence::text', 'r.reloptions::text', 'r.relrowsecurity::text',
    'r.relforcerowsecurity::text', 'r.relreplident::text', 'r.relowner::text', 'r.relacl::text', 'r.relam::text', 'r.relpartbound::text',
    'r.reloftype::text',
    `(SELECT w.ev_action::text FROM pg_catalog.pg_rewrite w WHERE w.ev_class = r.oid AND w.rulename = '_RETURN')`,
    `(x.indkey::text || x.indclass::text || x.indisunique::text || x.indisclustered::text || COALESCE(x.indexprs::text, '') || COALESCE(x.indpred::text, ''))`,
    `(SELECT q2::text FROM pg_catalog.pg_sequence q2 WHERE q2.seqrelid = r.oid)`,
    comment('pg_class', 'r.oid'))} AS h
FROM pg_catalog.pg_class r ${candidate('pg_class', 'r.oid')}
LEFT JOIN pg_catalog.pg_index x ON x.indexrelid = r.oid
LEFT JOIN pg_catalog.pg_depend q ON r.relkind = 'S' AND q.classid = ${cls('pg_class')} AND q.objid = r.oid AND q.refclassid = ${cls('pg_class')} AND q.deptype = 'a'
WHERE r.relkind <> 't' AND r.relpersistence <> 't' AND r.relnamespace <> 'pg_toast'::pg_catalog.regnamespace
  AND ${notDependent('pg_class', 'r.oid', "'e', 'i'")}`;

  const columns = `
SELECT ${cls('pg_class')}, a.attrelid, a.attnum::int, ${cls('pg_class')}, a.attrelid, NULL::pg_catalog.oid,
  ${digest('a.attname', 'a.atttypid::text', 'a.atttypmod::text', 'a.attnotnull::text', 'a.attidentity::text', 'a.attgenerated::text',
    'a.attcollation::text', 'a.attacl::text', 'a.attstorage::text', 'ad.adbin::text', comment('pg_class', 'a.attrelid', 'a.attnum'))}
FROM pg_catalog.pg_attribute a ${candidate('pg_class', 'a.attrelid', 'a.attnum')}
JOIN pg_catalog.pg_class r ON r.oid = a.attrelid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE r.relkind IN ('r', 'p', 'f', 'c') AND r.relpersistence <> 't' AND NOT a.attisdropped
  AND ${notDependent('pg_class', 'r.oid', "'e', 'i'")}`;

/** Whole catalog rows where nothing in the row changes unless a migration changes the object. */
  const wholeRows = (catalog: string, alias: string, where: string, parent?: { c: string; o: string }, referenced = 'NULL::pg_catalog.oid') => `
SELECT ${cls(catalog)}, ${alias}.oid, 0, ${parent ? parent.c : 'NULL::pg_catalog.oid'}, ${parent ? parent.o : 'NULL::pg_catalog.oid'}, ${referenced},
  ${digest(`${alias}::text`, comment(catalog, `${alias}.oid`))}
FROM pg_catalog.${catalog} ${alias} ${candidate(catalog, `${alias}.oid`)}
WHERE ${notDependent(catalog, `${alias}.oid`, "'e', 'i'")}${where ? ` AND ${where}` : ''}`;

  const others = [
  wholeRows('pg_constraint', 'k', '', {
    c: `CASE WHEN k.conrelid <> 0 THEN ${cls('pg_class')} ELSE ${cls('pg_type')} END`,
    o: `CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END`,
  }, 'NULLIF(k.confrelid, 0)'),
  wholeRows('pg_proc', 'p', ''),
  // Relation row types and arrays belong to their relation or element type; enum labels to the enum.
  `
SELECT ${cls('pg_type')}, t.oid, 0, NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid,
  ${digest('t::text', `(SELECT pg_catalog.string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)`, comment('pg_type', 't.oid'))}
FROM pg_catalog.pg_type t ${candidate('pg_type', 't.oid')}
WHERE t.typrelid = 0 AND ${notDependent('pg_type', 't.oid', "'e', 'i'")}`,
  wholeRows('pg_trigger', 'g', 'NOT g.tgisinternal', { c: cls('pg_class'), o: 'g.tgrelid' }),
  wholeRows('pg_policy', 'y', '', { c: cls('pg_class'), o: 'y.polrelid' }),
  wholeRows('pg_rewrite', 'w', `w.rulename <> '_RETURN'`, { c: cls('pg_class'), o: 'w.ev_class' }),
  `
SELECT ${cls('pg_namespace')}, n.oid, 0, NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::pg_catalog.oid,
  ${digest('n.nspname', 'n.nspowner::text', 'n.nspacl::text', comment('pg_namespace', 'n.oid'))}
FROM pg_catalog.pg_namespace n ${candidate('pg_namespace', 'n.oid')}
WHERE n.nspname !~ '^pg_(toast_)?temp_' AND ${notDependent('pg_namespace', 'n.oid', "'e'")}`,
  wholeRows('pg_extension', 'e', ''),
  wholeRows('pg_event_trigger', 'v', ''),
  wholeRows('pg_publication', 'b', ''),
  wholeRows('pg_default_acl', 'f', ''),
];
  return [relations, columns, ...others];
};

/**
 * One statement per look: `d` rows are candidates with their digest (null when gone), `r` rows
 * every role (pg_roles has no xmin; it is small), `n` rows the count of user rows per counted
 * catalog, and one `x` row the transaction horizon for the next look.
 */
const digests = `digests AS (${digestParts('cand').join('\n  UNION ALL')})`;
const roles = `SELECT 'r', ${cls('pg_authid')}, r.oid, 0, NULL, NULL, NULL, pg_catalog.md5(r::text) FROM pg_catalog.pg_roles r WHERE r.oid >= 16384`;
const candidatesAndRoles = `
SELECT 'd' AS t, cand.c, cand.o, cand.s, g.pc, g.po, g.rr, g.h
FROM cand LEFT JOIN digests g ON g.c = cand.c AND g.o = cand.o AND g.s = cand.s
UNION ALL
${roles}`;
/** The transaction horizon now, as xmin values compare (32 bits). */
const xmax = `(pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::int8 & 4294967295)`;
const horizon = `SELECT 'x', 0, 0, 0, NULL, NULL, NULL, ${xmax}::text`;

export const fingerprintQuery = `
WITH since AS (SELECT $1::int8 AS x),
cand AS MATERIALIZED (${candidates.join('\n  UNION ')}),
${digests}
${candidatesAndRoles}
UNION ALL
${counted.map((catalog) => `SELECT 'n', ${cls(catalog)}, (SELECT pg_catalog.count(*) FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')})::pg_catalog.oid, 0, NULL, NULL, NULL, '${catalog}'`).join('\nUNION ALL\n')}
UNION ALL
${horizon}`;

/** The user OIDs of one counted catalog, when its count says rows were deleted. */
const userOids = (catalog: string) => `SELECT o.oid FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')}`;


/** Catalogs read whole at every logged look: small, and changed by commands the log does not name. */
export const wholeCatalogs = ['pg_namespace', 'pg_extension', 'pg_event_trigger', 'pg_publication', 'pg_default_acl'];

const ours = (catalog: string, alias: string) =>
  catalog === 'pg_namespace' ? `${alias}.nspname <> '${LOG_SCHEMA}'` : catalog === 'pg_event_trigger' ? `${alias}.evtname NOT LIKE '${LOG_SCHEMA}%'` : 'true';

/**
 * The logged look. `log` holds the catalog addresses the event triggers collected since the last
 * look (and takes them out); a row without an address (GRANT, REVOKE, ALTER DEFAULT PRIVILEGES)
 * yields an `s` row: this look needs `scanQuery` too. Rows carry their `pg_identify_object`
 * names, which saves a round trip for the objects that changed. No parameters: a prepared statement without
 * any keeps its generic plan (with one, the plan cache may go back to planning it at every look,
 * and planning costs more than running it). A named relation brings its whole
 * family: columns, constraints (its own and foreign keys that reference it), indexes, triggers,
 * policies, rules, owned sequences and inheritance children, since ALTER TABLE names only the
 * table while it may rebuild indexes and constraints under new OIDs, recurse to partitions, or
 * rebuild foreign keys of other tables (found through pg_depend: pg_constraint has no index on
 * confrelid). Each lookup is a LATERAL subquery fenced with OFFSET 0, so that it stays an index
 * scan per named object whatever the planner guesses of the log's size. `f` rows list the
 * families, so that a tracked member no longer among the candidates is known dropped. A family's
 * columns are candidates only when a row their digest reads was written since the last look (the
 * horizon is kept in the log's schema, so the statement needs no parameter): a wide table altered
 * once would otherwise cost a digest per column at every look.
 */
export const loggedQuery = `
WITH RECURSIVE log AS (DELETE FROM ${LOG_SCHEMA}.log RETURNING c, o, s),
since AS MATERIALIZED (SELECT h.x FROM ${LOG_SCHEMA}.horizon h),
advance AS (UPDATE ${LOG_SCHEMA}.horizon SET x = ${xmax}),
flag AS MATERIALIZED (SELECT pg_catalog.bool_or(l.c IS NULL OR l.c = 0) IS TRUE AS scan FROM log l),
roots AS (
  SELECT m.r FROM log l, LATERAL (
    SELECT l.o AS r WHERE l.c = ${cls('pg_class')}
    UNION ALL SELECT x.indrelid FROM pg_catalog.pg_index x WHERE l.c = ${cls('pg_class')} AND x.indexrelid = l.o
    UNION ALL SELECT d.refobjid FROM pg_catalog.pg_depend d WHERE l.c = ${cls('pg_class')} AND d.classid = l.c AND d.objid = l.o AND d.objsubid = 0
      AND d.refclassid = l.c AND d.deptype = 'a'
    UNION ALL SELECT k.conrelid FROM pg_catalog.pg_constraint k WHERE l.c = ${cls('pg_constraint')} AND k.oid = l.o AND k.conrelid <> 0
    UNION ALL SELECT g.tgrelid FROM pg_catalog.pg_trigger g WHERE l.c = ${cls('pg_trigger')} AND g.oid = l.o
    UNION ALL SELECT y.polrelid FROM pg_catalog.pg_policy y WHERE l.c = ${cls('pg_policy')} AND y.oid = l.o
    UNION ALL SELECT w.ev_class FROM pg_catalog.pg_rewrite w WHERE l.c = ${cls('pg_rewrite')} AND w.oid = l.o
    UNION ALL SELECT a.adrelid FROM pg_catalog.pg_attrdef a WHERE l.c = ${cls('pg_attrdef')} AND a.oid = l.o
    UNION ALL SELECT t.typrelid FROM pg_catalog.pg_type t WHERE l.c = ${cls('pg_type')} AND t.oid = l.o AND t.typrelid <> 0
    OFFSET 0) m
),
rels AS (SELECT r FROM roots UNION SELECT i.inhrelid FROM rels JOIN pg_catalog.pg_inherits i ON i.inhparent = rels.r),
types AS (
  SELECT l.o AS t FROM log l WHERE l.c = ${cls('pg_type')}
  UNION SELECT m.t FROM log l, LATERAL (SELECT k.contypid AS t FROM pg_catalog.pg_constraint k WHERE l.c = ${cls('pg_constraint')} AND k.oid = l.o AND k.contypid <> 0 OFFSET 0) m
),
cands AS MATERIALIZED (
  SELECT l.c, l.o, l.s FROM log l WHERE l.c <> 0
  UNION SELECT m.c, m.o, m.s FROM rels, LATERAL (
    SELECT ${cls('pg_class')} AS c, rels.r AS o, 0 AS s
    UNION ALL SELECT ${cls('pg_class')}, a.attrelid, a.attnum::int FROM pg_catalog.pg_attribute a WHERE a.attrelid = rels.r AND a.attnum > 0 AND NOT a.attisdropped
      AND (${recent('a')} OR EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum AND ${recent('ad')})
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_description x WHERE x.objoid = a.attrelid AND x.classoid = ${cls('pg_class')} AND x.objsubid = a.attnum AND ${recent('x')}))
    UNION ALL SELECT ${cls('pg_constraint')}, k.oid, 0 FROM pg_catalog.pg_constraint k WHERE k.conrelid = rels.r
    UNION ALL SELECT d.classid, d.objid, 0 FROM pg_catalog.pg_depend d WHERE d.refclassid = ${cls('pg_class')} AND d.refobjid = rels.r AND d.classid = ${cls('pg_constraint')}
    UNION ALL SELECT ${cls('pg_class')}, x.indexrelid, 0 FROM pg_catalog.pg_index x WHERE x.indrelid = rels.r
    UNION ALL SELECT ${cls('pg_trigger')}, g.oid, 0 FROM pg_catalog.pg_trigger g WHERE g.tgrelid = rels.r
    UNION ALL SELECT ${cls('pg_policy')}, y.oid, 0 FROM pg_catalog.pg_policy y WHERE y.polrelid = rels.r
    UNION ALL SELECT ${cls('pg_rewrite')}, w.oid, 0 FROM pg_catalog.pg_rewrite w WHERE w.ev_class = rels.r
    UNION ALL SELECT ${cls('pg_class')}, d.objid, 0 FROM pg_catalog.pg_depend d WHERE d.refclassid = ${cls('pg_class')} AND d.refobjid = rels.r
      AND d.classid = ${cls('pg_class')} AND d.deptype = 'a'
    OFFSET 0) m
  UNION SELECT ${cls('pg_type')}, types.t, 0 FROM types
  UNION SELECT m.c, m.o, m.s FROM types, LATERAL (SELECT ${cls('pg_constraint')} AS c, k.oid AS o, 0 AS s FROM pg_catalog.pg_constraint k WHERE k.contypid = types.t OFFSET 0) m
  ${wholeCatalogs.map((catalog) => `UNION SELECT ${cls(catalog)}, o.oid, 0 FROM pg_catalog.${catalog} o WHERE ${userRow(catalog, 'o')} AND ${ours(catalog, 'o')}`).join('\n  ')}
)
SELECT 'd' AS t, one.c, one.o, one.s, g.pc, g.po, g.rr, g.h, i.type AS ty, i.identity AS id
FROM cands one LEFT JOIN LATERAL (${digestParts('(VALUES (one.c, one.o, one.s)) cand (c, o, s)').join('\n  UNION ALL')}
  OFFSET 0) g ON true
  LEFT JOIN LATERAL pg_catalog.pg_identify_object(one.c, one.o, one.s) i ON g.h IS NOT NULL
UNION ALL
SELECT 'r', ${cls('pg_authid')}, r.oid, 0, NULL, NULL, NULL, pg_catalog.md5(r::text), i.type, i.identity
FROM pg_catalog.pg_roles r, LATERAL pg_catalog.pg_identify_object(${cls('pg_authid')}, r.oid, 0) i WHERE r.oid >= 16384
UNION ALL
SELECT 'f', ${cls('pg_class')}, rels.r, 0, NULL, NULL, NULL, NULL, NULL, NULL FROM rels
UNION ALL
SELECT 'f', ${cls('pg_type')}, types.t, 0, NULL, NULL, NULL, NULL, NULL, NULL FROM types
UNION ALL
SELECT 's', 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL FROM flag WHERE flag.scan
UNION ALL
SELECT 'x', 0, 0, 0, NULL, NULL, NULL, ${xmax}::text, NULL, NULL`;

/** The xmin scan of \`fingerprintQuery\` alone, for a logged look that found an address-less command. */
export const scanQuery = `
WITH since AS (SELECT $1::int8 AS x),
cand AS MATERIALIZED (${candidates.join('\n  UNION ')}),
${digests}
SELECT 'd' AS t, cand.c, cand.o, cand.s, g.pc, g.po, g.rr, g.h
FROM cand LEFT JOIN digests g ON g.c = cand.c AND g.o = cand.o AND g.s = cand.s`;
