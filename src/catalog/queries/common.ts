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

/*
 * Ids of relations, columns and table constraints built from their names, exactly as
 * `pg_identify_object` gives them (its type for the relkind, then `quote_ident` of each name:
 * `table s.t`, `table column s.t.c`, `table constraint k on s.t`): the cheap form of `selfId` for
 * the kinds with many rows (test/catalog/ids.test.ts compares the two).
 */

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
 * A query for a kind with many rows, returned column by column: one row holding a json array per
 * column (`json_agg` feeds every aggregate of a query the rows in the same order). The client then
 * parses a few large json texts natively instead of many rows field by field, and the server builds
 * no json object per row (json_build_object looks up every argument's type, on every row). Row
 * order is irrelevant (objects are sorted by id). Columns named `def.<key>` become the def, in
 * this order (read-model.ts); their values keep their json types (text, boolean, int4, json).
 */
export function columnar(columns: Record<string, string>, from: string): string {
  const select = Object.entries(columns).map(([name, value]) => `${value} AS "${name}"`).join(',\n    ');
  return byColumn(Object.keys(columns), `SELECT ${select}\n  ${from}`);
}

/** The rows of `query` as one json array per column (see `columnar`). */
export function byColumn(names: string[], query: string): string {
  return `SELECT ${names.map((name) => `pg_catalog.json_agg(q."${name}") AS "${name}"`).join(', ')} FROM (\n  ${query}) q`;
}

/** Columns `def.<key>` for `columnar`. */
export function defColumns(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [`def.${key}`, value]));
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

/**
 * How COMMENT ON and ALTER EXTENSION ... ADD name an object (`TABLE public.t`, `COLUMN public.t.c`,
 * `FUNCTION public.f(integer)`, `CONSTRAINT k ON public.t`, ...), from its catalog address and its
 * `pg_identify_object` type and identity (the fallback: upper-cased type, then identity).
 */
export function objectDesignation(classoid: string, objoid: string, objsubid: string, type: string, identity: string): string {
  return `
  CASE ${classoid}
    WHEN ${cls('pg_class')} THEN (SELECT CASE WHEN ${objsubid} <> 0
        THEN (SELECT pg_catalog.format('COLUMN %s.%I', c.oid::pg_catalog.regclass, a.attname) FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum = ${objsubid})
        ELSE (CASE c.relkind WHEN 'r' THEN 'TABLE ' WHEN 'p' THEN 'TABLE ' WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW '
               WHEN 'S' THEN 'SEQUENCE ' WHEN 'i' THEN 'INDEX ' WHEN 'I' THEN 'INDEX ' WHEN 'f' THEN 'FOREIGN TABLE '
               ELSE 'TYPE ' END) || c.oid::pg_catalog.regclass::text END
      FROM pg_catalog.pg_class c WHERE c.oid = ${objoid})
    WHEN ${cls('pg_type')} THEN (SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || pg_catalog.format_type(t.oid, NULL)
      FROM pg_catalog.pg_type t WHERE t.oid = ${objoid})
    WHEN ${cls('pg_proc')} THEN (SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END
      || p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p WHERE p.oid = ${objoid})
    WHEN ${cls('pg_namespace')} THEN (SELECT 'SCHEMA ' || pg_catalog.quote_ident(s.nspname) FROM pg_catalog.pg_namespace s WHERE s.oid = ${objoid})
    WHEN ${cls('pg_extension')} THEN (SELECT 'EXTENSION ' || pg_catalog.quote_ident(x.extname) FROM pg_catalog.pg_extension x WHERE x.oid = ${objoid})
    WHEN ${cls('pg_constraint')} THEN (SELECT CASE WHEN k.conrelid <> 0
        THEN pg_catalog.format('CONSTRAINT %I ON %s', k.conname, k.conrelid::pg_catalog.regclass)
        ELSE pg_catalog.format('CONSTRAINT %I ON DOMAIN %s', k.conname, pg_catalog.format_type(k.contypid, NULL)) END
      FROM pg_catalog.pg_constraint k WHERE k.oid = ${objoid})
    WHEN ${cls('pg_trigger')} THEN (SELECT pg_catalog.format('TRIGGER %I ON %s', g.tgname, g.tgrelid::pg_catalog.regclass)
      FROM pg_catalog.pg_trigger g WHERE g.oid = ${objoid})
    WHEN ${cls('pg_policy')} THEN (SELECT pg_catalog.format('POLICY %I ON %s', p.polname, p.polrelid::pg_catalog.regclass)
      FROM pg_catalog.pg_policy p WHERE p.oid = ${objoid})
    WHEN ${cls('pg_rewrite')} THEN (SELECT pg_catalog.format('RULE %I ON %s', r.rulename, r.ev_class::pg_catalog.regclass)
      FROM pg_catalog.pg_rewrite r WHERE r.oid = ${objoid})
    WHEN ${cls('pg_statistic_ext')} THEN 'STATISTICS ' || ${identity}
    WHEN ${cls('pg_foreign_data_wrapper')} THEN 'FOREIGN DATA WRAPPER ' || ${identity}
    ELSE pg_catalog.upper(${type}) || ' ' || ${identity}
  END`;
}

/** The schema name `pg_identify_object` gives (quoted where the name needs it), unquoted as objects carry it. */
export function unquotedSchema(schema: string): string {
  return `CASE WHEN ${schema} LIKE '"%' THEN pg_catalog.replace(pg_catalog.substr(${schema}, 2, pg_catalog.length(${schema}) - 2), '""', '"') ELSE ${schema} END`;
}

/** Schemas that hold user objects. */
export function userSchema(nspname: string): string {
  return `${nspname} NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${nspname} !~ '^pg_(toast_)?temp_'`;
}

/*
 * Which relations and constraints the table, index and constraint kinds read (extension members
 * aside): the guard's enumeration leaves these out (a kind row covers each), so the many rows of
 * a large schema are not enumerated twice.
 */
/** Relkinds the table kind reads: tables, partitioned tables, foreign tables. */
export const TABLE_RELKINDS = `('r', 'p', 'f')`;

export function modelledTable(rel: string, nsp: string): string {
  return `${rel}.relkind IN ${TABLE_RELKINDS} AND ${userSchema(`${nsp}.nspname`)}`;
}

/** An index of a table or materialized view (a constraint's own index is the constraint's part). */
export function modelledIndex(index: string, table: string, nsp: string): string {
  return `${index}.relkind IN ('i', 'I') AND ${table}.relkind IN ('r', 'p', 'm') AND ${userSchema(`${nsp}.nspname`)}`;
}

export function modelledConstraint(k: string, rel: string, nsp: string): string {
  return `${k}.contype IN ('c', 'p', 'u', 'f', 'x') AND ${modelledTable(rel, nsp)}`;
}

/**
 * Options of a foreign-data wrapper, server, user mapping, foreign table or its column, as the
 * OPTIONS clause takes them (`name 'value'`), in stored order: a json array, `[]` when none.
 */
export function genericOptions(options: string): string {
  return `COALESCE((SELECT pg_catalog.json_agg(pg_catalog.quote_ident(o.option_name) || ' ' || pg_catalog.quote_literal(o.option_value) ORDER BY o.n)
      FROM pg_catalog.pg_options_to_table(${options}) WITH ORDINALITY o (option_name, option_value, n)), '[]')`;
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
