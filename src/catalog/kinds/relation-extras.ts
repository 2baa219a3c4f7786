import { cls, idOf, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/** Rules on tables and views; a view's `_RETURN` rule is the view itself. */
export const rules: KindIntrospector = {
  name: 'rule',
  query: () => `
SELECT ${selfId(cls('pg_rewrite'), 'r.oid')}, 'rule' AS kind, n.nspname AS schema, c.relname || '.' || r.rulename AS name,
  ${idOf(cls('pg_class'), 'c.oid')} AS parent, NULL AS owner,
  pg_catalog.json_build_object('table', c.oid::pg_catalog.regclass::text, 'name', pg_catalog.quote_ident(r.rulename),
    'definition', pg_catalog.pg_get_ruledef(r.oid), 'enabled', r.ev_enabled) AS def,
  NULL AS covers
FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname, r.rulename`,
};

/** Extended statistics, kept with their table. */
export const statistics: KindIntrospector = {
  name: 'statistics',
  query: (v) => `
SELECT ${selfId(cls('pg_statistic_ext'), 's.oid')}, 'statistics' AS kind, n.nspname AS schema, c.relname || '.' || s.stxname AS name,
  ${idOf(cls('pg_class'), 'c.oid')} AS parent, ${ownerOf('s.stxowner')} AS owner,
  pg_catalog.json_build_object('table', c.oid::pg_catalog.regclass::text,
    'qname', pg_catalog.format('%I.%I', sn.nspname, s.stxname),
    'definition', pg_catalog.pg_get_statisticsobjdef(s.oid),
    'target', ${v >= 170000 ? 's.stxstattarget' : 'NULLIF(s.stxstattarget, -1)'}) AS def,
  NULL AS covers
FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace sn ON sn.oid = s.stxnamespace
  JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${userSchema('sn.nspname')} AND ${notExtensionMember('pg_statistic_ext', 's.oid')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname, s.stxname`,
};
