import { cls, idOf, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/** Functions and procedures; aggregates are a kind of their own (pg_get_functiondef rejects them). */
export const functions: KindIntrospector = {
  name: 'function',
  query: () => `
SELECT ${selfId(cls('pg_proc'), 'p.oid')}, 'function' AS kind, n.nspname AS schema,
  p.oid::pg_catalog.regprocedure::text AS name, NULL AS parent, ${ownerOf('p.proowner')} AS owner,
  pg_catalog.json_build_object('qname', p.oid::pg_catalog.regprocedure::text, 'prokind', p.prokind,
    'definition', pg_catalog.rtrim(pg_catalog.pg_get_functiondef(p.oid), E'\\n')) AS def,
  NULL AS covers
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p', 'w') AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_proc', 'p.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ${cls('pg_proc')} AND d.objid = p.oid AND d.deptype = 'i')
ORDER BY n.nspname, p.proname, p.oid::pg_catalog.regprocedure::text`,
};

/** User triggers (not FK internals); a constraint trigger accounts for its pg_constraint row too. */
export const triggers: KindIntrospector = {
  name: 'trigger',
  query: (v) => `
SELECT ${selfId(cls('pg_trigger'), 'g.oid')}, 'trigger' AS kind, n.nspname AS schema,
  c.relname || '.' || g.tgname AS name, ${idOf(cls('pg_class'), 'c.oid')} AS parent, NULL AS owner,
  pg_catalog.json_build_object('table', c.oid::pg_catalog.regclass::text, 'name', pg_catalog.quote_ident(g.tgname),
    'definition', pg_catalog.pg_get_triggerdef(g.oid), 'enabled', g.tgenabled,
    'cloned', ${v >= 130000 ? 'g.tgparentid <> 0' : 'false'}) AS def,
  CASE WHEN g.tgconstraint <> 0 THEN ARRAY[${idOf(cls('pg_constraint'), 'g.tgconstraint')}] END AS covers
FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${v >= 150000 ? 'NOT g.tgisinternal' : '(NOT g.tgisinternal OR g.tgparentid <> 0)'}
  AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_trigger', 'g.oid')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname, g.tgname`,
};
