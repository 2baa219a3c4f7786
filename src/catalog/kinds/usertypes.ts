import { cls, collationIfNotDefault, idOf, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

const typeHead = (kind: string) => `
SELECT ${selfId(cls('pg_type'), 't.oid')}, '${kind}' AS kind, n.nspname AS schema, t.typname AS name,
  NULL AS parent, ${ownerOf('t.typowner')} AS owner,`;
const typeWhere = `${userSchema('n.nspname')} AND ${notExtensionMember('pg_type', 't.oid')}`;

export const enums: KindIntrospector = {
  name: 'enum',
  query: () => `${typeHead('enum')}
  pg_catalog.json_build_object('qname', pg_catalog.format_type(t.oid, NULL),
    'labels', (SELECT pg_catalog.array_agg(pg_catalog.quote_literal(e.enumlabel) ORDER BY e.enumsortorder)
               FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)) AS def, NULL AS covers
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND ${typeWhere}
ORDER BY n.nspname, t.typname`,
};

export const composites: KindIntrospector = {
  name: 'composite',
  query: () => `${typeHead('composite')}
  pg_catalog.json_build_object('qname', pg_catalog.format_type(t.oid, NULL),
    'attributes', (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('name', pg_catalog.quote_ident(a.attname),
        'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
        'collation', ${collationIfNotDefault('a.attcollation', 'at.typcollation')}) ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
      WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)) AS def,
  NULL AS covers
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
WHERE t.typtype = 'c' AND c.relkind = 'c' AND ${typeWhere}
ORDER BY n.nspname, t.typname`,
};

export const ranges: KindIntrospector = {
  name: 'range',
  query: (v) => `${typeHead('range')}
  pg_catalog.json_build_object('qname', pg_catalog.format_type(t.oid, NULL),
    'subtype', pg_catalog.format_type(r.rngsubtype, NULL),
    'opclass', CASE WHEN NOT oc.opcdefault THEN pg_catalog.format('%I.%I', ocn.nspname, oc.opcname) END,
    'collation', ${collationIfNotDefault('r.rngcollation', 'st.typcollation')},
    'canonical', CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::pg_catalog.regproc::text END,
    'subtypeDiff', CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::pg_catalog.regproc::text END,
    'multirange', ${v >= 140000 ? 'pg_catalog.format_type(r.rngmultitypid, NULL)' : 'NULL'}) AS def,
  NULL AS covers
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
  JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
  JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
WHERE t.typtype = 'r' AND ${typeWhere}
ORDER BY n.nspname, t.typname`,
};

export const domains: KindIntrospector = {
  name: 'domain',
  query: () => `${typeHead('domain')}
  pg_catalog.json_build_object('qname', pg_catalog.format_type(t.oid, NULL),
    'baseType', pg_catalog.format_type(t.typbasetype, t.typtypmod),
    'collation', ${collationIfNotDefault('t.typcollation', 'bt.typcollation')},
    'default', pg_catalog.pg_get_expr(t.typdefaultbin, 0),
    'notNull', t.typnotnull AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'n'),
    'constraints', COALESCE((SELECT pg_catalog.json_agg(pg_catalog.json_build_object('name', pg_catalog.quote_ident(k.conname),
        'definition', pg_catalog.pg_get_constraintdef(k.oid), 'validated', k.convalidated) ORDER BY k.conname)
      FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid), '[]')) AS def,
  (SELECT pg_catalog.array_agg(${idOf(cls('pg_constraint'), 'k.oid')} ORDER BY k.conname)
     FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid) AS covers
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
WHERE t.typtype = 'd' AND ${typeWhere}
ORDER BY n.nspname, t.typname`,
};
