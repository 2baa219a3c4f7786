import { cls, idOf } from './common.js';

/**
 * Every pg_depend edge between user objects, each end mapped to the model object that owns it:
 * internal parts (array and row types, constraint indexes, `_RETURN` rules, identity sequences,
 * multirange types, range constructors) to their owner, extension members to their extension,
 * column defaults to their column.
 * OWNED BY (a sequence's auto dependency on a column) is left out: it is emitted after the table.
 */
export const dependenciesQuery = `
WITH RECURSIVE part AS (
  SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid
  FROM pg_catalog.pg_depend d
  WHERE d.deptype IN ('i', 'e') AND d.objid >= 16384
    AND NOT (d.classid = d.refclassid AND d.objid = d.refobjid)
  UNION ALL
  SELECT ${cls('pg_attrdef')}, ad.oid, 0, ${cls('pg_class')}, ad.adrelid, ad.adnum
  FROM pg_catalog.pg_attrdef ad WHERE ad.oid >= 16384
), root AS (
  SELECT p.classid, p.objid, p.objsubid, p.refclassid, p.refobjid, p.refobjsubid, 1 AS depth FROM part p
  UNION ALL
  SELECT r.classid, r.objid, r.objsubid, p.refclassid, p.refobjid, p.refobjsubid, r.depth + 1
  FROM root r JOIN part p ON p.classid = r.refclassid AND p.objid = r.refobjid AND p.objsubid = r.refobjsubid
  WHERE r.depth < 8
), owner AS (
  SELECT DISTINCT ON (classid, objid, objsubid) classid, objid, objsubid, refclassid, refobjid, refobjsubid
  FROM root ORDER BY classid, objid, objsubid, depth DESC
), edge AS (
  SELECT COALESCE(a.refclassid, d.classid) AS c1, COALESCE(a.refobjid, d.objid) AS o1, COALESCE(a.refobjsubid, d.objsubid) AS s1,
         COALESCE(b.refclassid, d.refclassid) AS c2, COALESCE(b.refobjid, d.refobjid) AS o2, COALESCE(b.refobjsubid, d.refobjsubid) AS s2
  FROM pg_catalog.pg_depend d
  LEFT JOIN owner a ON a.classid = d.classid AND a.objid = d.objid AND a.objsubid = d.objsubid
  LEFT JOIN owner b ON b.classid = d.refclassid AND b.objid = d.refobjid AND b.objsubid = d.refobjsubid
  WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384
    AND NOT (d.deptype = 'a' AND d.classid = ${cls('pg_class')} AND d.refclassid = ${cls('pg_class')} AND d.refobjsubid <> 0
             AND EXISTS (SELECT 1 FROM pg_catalog.pg_class s WHERE s.oid = d.objid AND s.relkind = 'S'))
), distinct_edge AS (
  SELECT DISTINCT c1, o1, s1, c2, o2, s2 FROM edge WHERE NOT (c1 = c2 AND o1 = o2 AND s1 = s2)
)
SELECT ${idOf('c1', 'o1', 's1')} AS id, ${idOf('c2', 'o2', 's2')} AS ref FROM distinct_edge
ORDER BY 1, 2`;
