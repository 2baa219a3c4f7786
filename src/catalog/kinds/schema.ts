import { cls, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

export const schemas: KindIntrospector = {
  name: 'schema',
  query: () => `
SELECT ${selfId(cls('pg_namespace'), 'n.oid')}, 'schema' AS kind, n.nspname AS schema, n.nspname AS name,
  NULL AS parent, ${ownerOf('n.nspowner')} AS owner,
  pg_catalog.json_build_object('qname', pg_catalog.quote_ident(n.nspname)) AS def, NULL AS covers,
  n.oid < 16384 AS preinstalled
FROM pg_catalog.pg_namespace n
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_namespace', 'n.oid')}
ORDER BY n.nspname`,
};

export const extensions: KindIntrospector = {
  name: 'extension',
  query: () => `
SELECT ${selfId(cls('pg_extension'), 'x.oid')}, 'extension' AS kind, n.nspname AS schema, x.extname AS name,
  NULL AS parent, ${ownerOf('x.extowner')} AS owner,
  pg_catalog.json_build_object('qname', pg_catalog.quote_ident(x.extname), 'schema', pg_catalog.quote_ident(n.nspname),
    'version', pg_catalog.quote_literal(x.extversion),
    'defaultVersion', (SELECT pg_catalog.quote_literal(a.default_version) FROM pg_catalog.pg_available_extensions a WHERE a.name = x.extname)) AS def,
  NULL AS covers
FROM pg_catalog.pg_extension x JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql'
ORDER BY x.extname`,
};
