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
