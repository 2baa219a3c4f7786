import { cls, genericOptions, idOf, notExtensionMember, ownerOf, selfId } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

/** Wrappers the migrations defined themselves; an extension's (postgres_fdw) comes with CREATE EXTENSION. */
export const foreignDataWrappers: KindIntrospector = {
  name: 'foreignDataWrapper',
  query: () => `
SELECT ${selfId(cls('pg_foreign_data_wrapper'), 'w.oid')}, 'foreignDataWrapper' AS kind, '' AS schema, w.fdwname AS name,
  NULL AS parent, ${ownerOf('w.fdwowner')} AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(w.fdwname),
    'handler', CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::pg_catalog.regproc::text END,
    'validator', CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::pg_catalog.regproc::text END,
    'options', ${genericOptions('w.fdwoptions')}) AS def,
  NULL AS covers
FROM pg_catalog.pg_foreign_data_wrapper w
WHERE w.oid >= 16384 AND ${notExtensionMember('pg_foreign_data_wrapper', 'w.oid')}
ORDER BY w.fdwname`,
};

export const servers: KindIntrospector = {
  name: 'server',
  query: () => `
SELECT ${selfId(cls('pg_foreign_server'), 's.oid')}, 'server' AS kind, '' AS schema, s.srvname AS name,
  NULL AS parent, ${ownerOf('s.srvowner')} AS owner,
  pg_catalog.json_build_object('name', pg_catalog.quote_ident(s.srvname),
    'wrapper', (SELECT pg_catalog.quote_ident(w.fdwname) FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.oid = s.srvfdw),
    'type', pg_catalog.quote_literal(s.srvtype), 'version', pg_catalog.quote_literal(s.srvversion),
    'options', ${genericOptions('s.srvoptions')}) AS def,
  NULL AS covers
FROM pg_catalog.pg_foreign_server s
WHERE s.oid >= 16384 AND ${notExtensionMember('pg_foreign_server', 's.oid')}
ORDER BY s.srvname`,
};

/** A user mapping belongs to its server (dropped with it); its id names the role unquoted, as pg_identify_object does. */
export const userMappings: KindIntrospector = {
  name: 'userMapping',
  query: () => `
SELECT ${selfId(cls('pg_user_mapping'), 'm.oid')}, 'userMapping' AS kind, '' AS schema,
  COALESCE(r.rolname, 'public') || ' on ' || s.srvname AS name,
  ${idOf(cls('pg_foreign_server'), 's.oid')} AS parent, NULL AS owner,
  pg_catalog.json_build_object('role', COALESCE(pg_catalog.quote_ident(r.rolname), 'PUBLIC'), 'server', pg_catalog.quote_ident(s.srvname),
    'options', ${genericOptions('m.umoptions')}) AS def,
  NULL AS covers
FROM pg_catalog.pg_user_mapping m JOIN pg_catalog.pg_foreign_server s ON s.oid = m.umserver
  LEFT JOIN pg_catalog.pg_roles r ON r.oid = m.umuser
WHERE m.oid >= 16384
ORDER BY 1`,
};
