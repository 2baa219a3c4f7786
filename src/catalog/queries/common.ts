/**
 * SQL fragments shared by the per-kind queries. Every query runs with an empty search_path, so
 * regclass/regprocedure/format_type render schema-qualified names and everything here is written
 * with `pg_catalog.` explicitly.
 */

/**
 * The model id of a catalog address (`pg_identify_object` type and identity) as a placeholder,
 * for mentions of an object (a parent, a covered part, a reference): read-model.ts replaces it
 * once every query has run, with the id the object identified itself by (`selfId`), or else from
 * one query for all remaining addresses (identify.ts). It may stand inside a concatenation; a NULL
 * address gives NULL, as the function would.
 */
export function idOf(classid: string, objid: string, subid = '0'): string {
  return `(E'\\x01' || ${address(classid, objid, subid)} || E'\\x02')`;
}

/**
 * An object's own id, identified in place (one `pg_identify_object` per object), with its address
 * as column `a`, so that the placeholders mentioning it (`idOf`) resolve without identifying it again.
 */
export function selfId(classid: string, objid: string, subid = '0'): string {
  return `(SELECT i.type || ' ' || i.identity FROM pg_catalog.pg_identify_object(${classid}, ${objid}, ${subid}) i) AS id, ${address(classid, objid, subid)} AS a`;
}

/**
 * The id of a relation, column or table constraint built from its names, exactly as
 * `pg_identify_object` would give it (its type for the relkind, then `quote_ident` of each name:
 * `table s.t`, `table column s.t.c`, `table constraint k on s.t`), with its address as column `a`:
 * the cheap form of `selfId` for the kinds with many rows (test/catalog/ids.test.ts compares the two).
 */
export function namedId(id: string, classid: string, objid: string, subid = '0'): string {
  return `${id} AS id, ${address(classid, objid, subid)} AS a`;
}

/** `pg_identify_object` type of a relation of relkind `relkind`. */
export function relationType(relkind: string): string {
  return `CASE ${relkind} WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'i' THEN 'index' WHEN 'I' THEN 'index'
    WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'c' THEN 'composite type'
    WHEN 'f' THEN 'foreign table' WHEN 't' THEN 'toast table' END`;
}

/** `pg_identify_object` identity of a relation: its qualified, quoted name. */
export function relationIdentity(nspname: string, relname: string): string {
  return `pg_catalog.quote_ident(${nspname}) || '.' || pg_catalog.quote_ident(${relname})`;
}

/** `pg_identify_object` type and identity of a relation, `<type> <schema>.<name>`. */
export function relationId(relkind: string, nspname: string, relname: string): string {
  return `(${relationType(relkind)}) || ' ' || ${relationIdentity(nspname, relname)}`;
}

/**
 * A def as one column per field (`def.<key>`, in this order), for kinds with many rows: read-model.ts
 * assembles the object, so the server does not build json per row. Values keep their json types:
 * text, boolean, int4 (not int8, which reads as text), json.
 */
export function defColumns(fields: Record<string, string>): string {
  return Object.entries(fields).map(([key, value]) => `${value} AS "def.${key}"`).join(',\n  ');
}

/** A catalog address as text, `classid/objid/objsubid`. */
export function address(classid: string, objid: string, subid: string): string {
  return `${classid}::pg_catalog.oid::text || '/' || ${objid}::pg_catalog.oid::text || '/' || ${subid}::text`;
}

export function cls(catalog: string): string {
  return `'pg_catalog.${catalog}'::pg_catalog.regclass`;
}

/** Excludes objects that belong to an extension (created by its script). */
export function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls(catalog)} AND e.objid = ${oid} AND e.deptype = 'e')`;
}

/** Schemas that hold user objects. */
export function userSchema(nspname: string): string {
  return `${nspname} NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${nspname} !~ '^pg_(toast_)?temp_'`;
}

/** Owner role name (quoted), or NULL. */
export function ownerOf(roleOid: string): string {
  return `pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(${roleOid}))`;
}

/** Collation name when it differs from the type's default collation, else NULL. */
export function collationIfNotDefault(collOid: string, typeCollOid: string): string {
  return `(SELECT pg_catalog.format('%I.%I', cn.nspname, co.collname) FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ${collOid} AND ${collOid} <> ${typeCollOid})`;
}

/** Sequence options of pg_sequence row `s` as the model's SequenceOptions json fields. */
export const sequenceOptionsJson = `'type', pg_catalog.format_type(s.seqtypid, NULL),
  'start', s.seqstart::text, 'increment', s.seqincrement::text, 'min', s.seqmin::text,
  'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle`;
