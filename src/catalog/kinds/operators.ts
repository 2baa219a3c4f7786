import { cls, idOf, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/** `OPERATOR(schema.name)`, as a commutator or negator is written. */
const operatorRef = (oid: string) => `(SELECT pg_catalog.format('OPERATOR(%I.%s)', rn.nspname, r.oprname)
      FROM pg_catalog.pg_operator r JOIN pg_catalog.pg_namespace rn ON rn.oid = r.oprnamespace WHERE r.oid = ${oid})`;

/**
 * Operators made with `CREATE OPERATOR`. A shell operator (no function yet: named as another's
 * commutator or negator and never defined) is not emitted: creating the operator that names it
 * makes it again, so that operator covers it.
 */
export const operators: KindIntrospector = {
  name: 'operator',
  query: () => `
SELECT ${selfId(cls('pg_operator'), 'o.oid')}, 'operator' AS kind, n.nspname AS schema, o.oprname AS name, NULL AS parent, ${ownerOf('o.oprowner')} AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(n.nspname) || '.' || o.oprname,
    'left', CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END,
    'right', CASE WHEN o.oprright <> 0 THEN pg_catalog.format_type(o.oprright, NULL) END,
    'function', o.oprcode::pg_catalog.regproc::text,
    'commutator', CASE WHEN o.oprcom <> 0 THEN ${operatorRef('o.oprcom')} END,
    'negator', CASE WHEN o.oprnegate <> 0 THEN ${operatorRef('o.oprnegate')} END,
    'restrict', CASE WHEN o.oprrest <> 0 THEN o.oprrest::pg_catalog.regproc::text END,
    'join', CASE WHEN o.oprjoin <> 0 THEN o.oprjoin::pg_catalog.regproc::text END,
    'hashes', o.oprcanhash, 'merges', o.oprcanmerge) AS def,
  (SELECT pg_catalog.array_agg(${idOf(cls('pg_operator'), 's.oid')}) FROM pg_catalog.pg_operator s
    WHERE s.oid IN (o.oprcom, o.oprnegate) AND s.oprcode = 0) AS covers
FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
WHERE o.oid >= 16384 AND o.oprcode <> 0 AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_operator', 'o.oid')}
ORDER BY 1`,
};

/** `schema.name` of an operator family. */
const familyName = (oid: string) => `(SELECT pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.opfname)
      FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace WHERE f.oid = ${oid})`;

/**
 * The operators and support functions of a class or family as rows (`c`, `o`: the member's
 * address; `sql`: as CREATE OPERATOR CLASS and ALTER OPERATOR FAMILY ... ADD write it,
 * `OPERATOR 1 s.<(s.t,s.t)`, `FUNCTION 1 (s.t, s.t) s.f(s.t,s.t)`; `k`, `n`, `l`, `r`: their
 * order); `deptype` picks a class's own members ('i') or a family's loose ones ('a').
 */
const memberRows = (family: string, owner: string, ownerClass: string, deptype: string) => `
      SELECT ${cls('pg_amop')} AS c, a.oid AS o, 0 AS k, a.amopstrategy AS n,
        pg_catalog.format_type(a.amoplefttype, NULL) AS l, pg_catalog.format_type(a.amoprighttype, NULL) AS r,
        'OPERATOR ' || a.amopstrategy || ' ' || a.amopopr::pg_catalog.regoperator::text
          || CASE WHEN a.amoppurpose = 'o' THEN ' FOR ORDER BY ' || ${familyName('a.amopsortfamily')} ELSE '' END AS sql
      FROM pg_catalog.pg_amop a JOIN pg_catalog.pg_depend d ON d.classid = ${cls('pg_amop')} AND d.objid = a.oid
        AND d.refclassid = ${ownerClass} AND d.refobjid = ${owner} AND d.deptype = '${deptype}'
      WHERE a.amopfamily = ${family}
      UNION ALL
      SELECT ${cls('pg_amproc')}, p.oid, 1, p.amprocnum, pg_catalog.format_type(p.amproclefttype, NULL), pg_catalog.format_type(p.amprocrighttype, NULL),
        'FUNCTION ' || p.amprocnum || ' (' || pg_catalog.format_type(p.amproclefttype, NULL) || ', ' || pg_catalog.format_type(p.amprocrighttype, NULL) || ') '
          || p.amproc::pg_catalog.regprocedure::text
      FROM pg_catalog.pg_amproc p JOIN pg_catalog.pg_depend d ON d.classid = ${cls('pg_amproc')} AND d.objid = p.oid
        AND d.refclassid = ${ownerClass} AND d.refobjid = ${owner} AND d.deptype = '${deptype}'
      WHERE p.amprocfamily = ${family}`;

/** The members' SQL, a json array in a fixed order. */
const members = (...args: Parameters<typeof memberRows>) =>
  `COALESCE((SELECT pg_catalog.json_agg(m.sql ORDER BY m.k, m.n, m.l, m.r) FROM (${memberRows(...args)}) m), '[]')`;

/**
 * Operator families made with CREATE OPERATOR FAMILY, or by CREATE OPERATOR CLASS without FAMILY
 * (emitted alike: the class then names it), with the members ALTER OPERATOR FAMILY added loosely,
 * which they cover.
 */
export const operatorFamilies: KindIntrospector = {
  name: 'operatorFamily',
  query: () => `
SELECT ${selfId(cls('pg_opfamily'), 'f.oid')}, 'operatorFamily' AS kind, n.nspname AS schema, f.opfname AS name, NULL AS parent, ${ownerOf('f.opfowner')} AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(f.opfname),
    'method', (SELECT pg_catalog.quote_ident(am.amname) FROM pg_catalog.pg_am am WHERE am.oid = f.opfmethod),
    'members', ${members('f.oid', 'f.oid', cls('pg_opfamily'), 'a')}) AS def,
  ARRAY(SELECT ${idOf('m.c', 'm.o')} FROM (${memberRows('f.oid', 'f.oid', cls('pg_opfamily'), 'a')}) m) AS covers
FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
WHERE f.oid >= 16384 AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_opfamily', 'f.oid')}
ORDER BY 1`,
};

/** Operator classes, with their own members (those the class's CREATE lists). */
export const operatorClasses: KindIntrospector = {
  name: 'operatorClass',
  query: () => `
SELECT ${selfId(cls('pg_opclass'), 'c.oid')}, 'operatorClass' AS kind, n.nspname AS schema, c.opcname AS name, NULL AS parent, ${ownerOf('c.opcowner')} AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.opcname),
    'method', (SELECT pg_catalog.quote_ident(am.amname) FROM pg_catalog.pg_am am WHERE am.oid = c.opcmethod),
    'type', pg_catalog.format_type(c.opcintype, NULL), 'default', c.opcdefault,
    'family', ${familyName('c.opcfamily')},
    'storage', CASE WHEN c.opckeytype <> 0 THEN pg_catalog.format_type(c.opckeytype, NULL) END,
    'members', ${members('c.opcfamily', 'c.oid', cls('pg_opclass'), 'i')}) AS def,
  NULL AS covers
FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace
WHERE c.oid >= 16384 AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_opclass', 'c.oid')}
ORDER BY 1`,
};
