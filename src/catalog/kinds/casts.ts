import { cls, notExtensionMember, selfId } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/** Casts made with `CREATE CAST`: types as format_type names them, the function as regprocedure. */
export const casts: KindIntrospector = {
  name: 'cast',
  query: () => `
SELECT ${selfId(cls('pg_cast'), 'ca.oid')}, 'cast' AS kind, '' AS schema,
  pg_catalog.format_type(ca.castsource, NULL) || ' AS ' || pg_catalog.format_type(ca.casttarget, NULL) AS name, NULL AS parent, NULL AS owner,
  pg_catalog.json_build_object('source', pg_catalog.format_type(ca.castsource, NULL), 'target', pg_catalog.format_type(ca.casttarget, NULL),
    'method', ca.castmethod, 'function', CASE WHEN ca.castmethod = 'f' THEN ca.castfunc::pg_catalog.regprocedure::text END,
    'context', ca.castcontext) AS def,
  NULL AS covers
FROM pg_catalog.pg_cast ca
WHERE ca.oid >= 16384 AND ${notExtensionMember('pg_cast', 'ca.oid')}
  -- a range type's cast to its multirange comes with the type
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ${cls('pg_cast')} AND d.objid = ca.oid AND d.deptype = 'i')
ORDER BY 1`,
};
