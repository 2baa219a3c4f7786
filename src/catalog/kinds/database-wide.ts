import { cls, idOf, notExtensionMember, ownerOf, selfId } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

export const eventTriggers: KindIntrospector = {
  name: 'eventTrigger',
  query: () => `
SELECT ${selfId(cls('pg_event_trigger'), 'et.oid')}, 'eventTrigger' AS kind, '' AS schema, et.evtname AS name,
  NULL AS parent, ${ownerOf('et.evtowner')} AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(et.evtname), 'event', et.evtevent,
    'function', et.evtfoid::pg_catalog.regproc::text,
    'tags', COALESCE((SELECT pg_catalog.json_agg(pg_catalog.quote_literal(t) ORDER BY t) FROM pg_catalog.unnest(et.evttags) t), '[]'),
    'enabled', et.evtenabled) AS def,
  NULL AS covers
FROM pg_catalog.pg_event_trigger et
WHERE ${notExtensionMember('pg_event_trigger', 'et.oid')}
ORDER BY et.evtname`,
};

/** Publications with their tables (column lists, row filters) and schemas; they cover those membership rows. */
export const publications: KindIntrospector = {
  name: 'publication',
  query: (v) => `
SELECT ${selfId(cls('pg_publication'), 'p.oid')}, 'publication' AS kind, '' AS schema, p.pubname AS name,
  NULL AS parent, ${ownerOf('p.pubowner')} AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(p.pubname), 'allTables', p.puballtables,
    'publish', pg_catalog.array_to_string(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
      CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END], ', '),
    'viaRoot', p.pubviaroot,
    'tables', COALESCE((SELECT pg_catalog.json_agg(t.x ORDER BY t.x) FROM (
        SELECT pr.prrelid::pg_catalog.regclass::text${v >= 150000 ? `
          || COALESCE(' (' || (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
               FROM pg_catalog.pg_attribute a WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs)) || ')', '')
          || COALESCE(' WHERE (' || pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) || ')', '')` : ''} AS x
        FROM pg_catalog.pg_publication_rel pr WHERE pr.prpubid = p.oid) t), '[]'),
    'schemas', ${v >= 150000
      ? `COALESCE((SELECT pg_catalog.json_agg(pg_catalog.quote_ident(s.nspname) ORDER BY s.nspname)
        FROM pg_catalog.pg_publication_namespace pn JOIN pg_catalog.pg_namespace s ON s.oid = pn.pnnspid WHERE pn.pnpubid = p.oid), '[]')`
      : `'[]'::pg_catalog.json`}) AS def,
  ARRAY(SELECT ${idOf(cls('pg_publication_rel'), 'pr.oid')} FROM pg_catalog.pg_publication_rel pr WHERE pr.prpubid = p.oid${v >= 150000 ? `
    UNION ALL SELECT ${idOf(cls('pg_publication_namespace'), 'pn.oid')} FROM pg_catalog.pg_publication_namespace pn WHERE pn.pnpubid = p.oid` : ''}) AS covers
FROM pg_catalog.pg_publication p
WHERE ${notExtensionMember('pg_publication', 'p.oid')}
ORDER BY p.pubname`,
};
