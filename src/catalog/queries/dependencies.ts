import { address, byColumn, cls } from './common.js';

/*
 * Dependencies are resolved in TypeScript from raw catalog addresses (`classid/objid/objsubid`):
 * plain scans, no joins, so the time stays linear and does not hang on the planner's view of
 * pg_depend (statistics are stale right after a replay: autovacuum has not run).
 */

/**
 * Part-of edges: an internal part (array or row type, a constraint's index, a view's `_RETURN`
 * rule, an identity sequence, a multirange, a range constructor) or an extension member belongs
 * to its owner; a column default to its column; a domain constraint to its domain.
 */
export const partsQuery = byColumn(['a', 'b'], `
SELECT ${address('d.classid', 'd.objid', 'd.objsubid')} AS a, ${address('d.refclassid', 'd.refobjid', 'd.refobjsubid')} AS b
FROM pg_catalog.pg_depend d
WHERE d.deptype IN ('i', 'e') AND d.objid >= 16384 AND NOT (d.classid = d.refclassid AND d.objid = d.refobjid)
UNION ALL
SELECT ${address(cls('pg_attrdef'), 'ad.oid', '0')}, ${address(cls('pg_class'), 'ad.adrelid', 'ad.adnum')}
FROM pg_catalog.pg_attrdef ad WHERE ad.oid >= 16384
UNION ALL
SELECT ${address(cls('pg_constraint'), 'k.oid', '0')}, ${address(cls('pg_type'), 'k.contypid', '0')}
FROM pg_catalog.pg_constraint k WHERE k.contypid <> 0 AND k.oid >= 16384`);

/**
 * Normal and auto dependencies between user objects. `owned` marks a relation's auto dependency
 * on a column: for a sequence that is OWNED BY, which is emitted after the table instead.
 */
export const edgesQuery = byColumn(['a', 'b', 'owned'], `
SELECT ${address('d.classid', 'd.objid', 'd.objsubid')} AS a, ${address('d.refclassid', 'd.refobjid', 'd.refobjsubid')} AS b,
  (d.deptype = 'a' AND d.classid = ${cls('pg_class')} AND d.refclassid = ${cls('pg_class')} AND d.refobjsubid <> 0) AS owned
FROM pg_catalog.pg_depend d
WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384`);
