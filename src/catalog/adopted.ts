/**
 * Extension members that the extension's own script does not make. Every object created while
 * CREATE EXTENSION runs becomes a member, also one an event trigger makes when it fires on a
 * command of the script (Supabase's `issue_pg_graphql_access` creates `graphql_public.graphql`
 * when pg_graphql's script creates `graphql.resolve`). The model leaves members to their
 * extension, and the baseline's CREATE EXTENSION runs with its event triggers not yet enabled (as
 * pg_dump orders them), so such an object would be lost without a word.
 *
 * They are found by creating each extension alone in a scratch database (`ScriptMembers`, given by
 * the caller, which has the engine) and comparing member lists. Introspection then takes them out
 * of their extension inside its own transaction, which it rolls back (`ALTER EXTENSION ... DROP`),
 * so every kind reads them as ordinary objects, and an `extensionMember` object puts each back in
 * the baseline (`ALTER EXTENSION ... ADD`) right after it is made.
 *
 * Looked for where the database has event triggers, and where the migrations themselves add to an
 * extension (`ALTER EXTENSION ... ADD`, `addsToExtension`), which needs no event trigger.
 */
import type pg from 'pg';
import type { AnyObject, ModelObject } from './model.js';
import { cls, objectDesignation, unquotedSchema } from './queries/common.js';

export interface InstalledExtension {
  name: string;
  version: string;
  schema: string;
}

/**
 * The members each extension's script makes on its own, as `pg_identify_object` ids (`function
 * s.f(integer)`), by extension name; an extension it could not create alone is left out.
 */
export type ScriptMembers = (extensions: InstalledExtension[]) => Promise<Map<string, Set<string>>>;

export interface AdoptedMember {
  /** Model id of the member object. */
  id: string;
  /** Its schema ('' for none), where the baseline lists it. */
  schema: string;
  /** Model id of its extension (`extension citext`). */
  extensionId: string;
  /** The extension's quoted name. */
  extension: string;
  /** How ALTER EXTENSION names the object: `FUNCTION graphql_public.graphql(text,text,jsonb,jsonb)`. */
  target: string;
}

/**
 * Every extension member with its designation; with `$1` false, none where the database has no
 * event trigger.
 */
const membersQuery = `
SELECT x.extname AS name, x.extversion AS version, n.nspname AS schema, pg_catalog.quote_ident(x.extname) AS extension,
  o.type || ' ' || o.identity AS id, COALESCE(${unquotedSchema('o.schema')}, '') AS in_schema, ${objectDesignation('d.classid', 'd.objid', 'd.objsubid', 'o.type', 'o.identity')} AS target
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid
JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace,
  LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) o
WHERE d.deptype = 'e' AND d.refclassid = ${cls('pg_extension')} AND x.oid >= 16384
  AND ($1 OR EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger))
  -- a relation's row type, a type's array: they follow their owner in and out of an extension
  -- (an identity sequence does not)
  AND NOT (d.classid = ${cls('pg_type')}
    AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = d.classid AND i.objid = d.objid AND i.objsubid = 0 AND i.deptype = 'i'))
ORDER BY 1, 5`;

/**
 * The members of the extensions in `client`'s database that their scripts do not make, for
 * extensions not in `existed` (ids of what was there before the migrations). Looked for where the
 * database has event triggers, or always with `added` (the migrations say ALTER EXTENSION ... ADD).
 * Runs with an empty search_path, as introspection does, so designations come schema-qualified.
 */
export async function findAdopted(client: pg.Client, scriptMembers: ScriptMembers, existed: ReadonlySet<string>, added = false): Promise<AdoptedMember[]> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let rows: { name: string; version: string; schema: string; extension: string; id: string; in_schema: string; target: string }[];
  try {
    await client.query(`SELECT pg_catalog.set_config('search_path', '', true)`);
    rows = (await client.query(membersQuery, [added])).rows;
  } finally {
    await client.query('ROLLBACK');
  }
  rows = rows.filter((r) => !existed.has(`extension ${r.extension}`));
  if (rows.length === 0) return [];
  const installed = new Map<string, InstalledExtension>();
  for (const r of rows) installed.set(r.name, { name: r.name, version: r.version, schema: r.schema });
  const made = await scriptMembers([...installed.values()]);
  return rows
    .filter((r) => made.has(r.name) && !made.get(r.name)!.has(r.id))
    .map((r) => ({ id: r.id, schema: r.in_schema, extensionId: `extension ${r.extension}`, extension: r.extension, target: r.target }));
}

/** The text adds an object to an extension (the baseline does so for every adopted member). */
export function addsToExtension(sql: string): boolean {
  return /\balter\s+extension\s+("[^"]+"|\S+)\s+add\s/i.test(sql);
}

/** Statements that take the adopted members out of their extensions (run in a transaction that is rolled back). */
export function releaseStatements(adopted: AdoptedMember[]): string[] {
  return adopted.map((a) => `ALTER EXTENSION ${a.extension} DROP ${a.target}`);
}

/**
 * `objects` with an `extensionMember` object per adopted member, which puts it back into its
 * extension right after it is made. Its privileges wait for that: ALTER EXTENSION ... ADD records
 * the ACL it finds as the extension's own (pg_init_privs), and the event trigger made the object
 * with the default one.
 */
export function withMemberships(objects: AnyObject[], adopted: AdoptedMember[]): AnyObject[] {
  if (adopted.length === 0) return objects;
  const membership = new Map(adopted.map((a) => [a.id, `extension member ${a.id}`]));
  for (const o of objects) {
    const member = o.kind === 'privileges' && o.parent ? membership.get(o.parent) : undefined;
    if (member) o.deps = [...o.deps, member].sort();
  }
  const members = adopted.map(
    (a): ModelObject<'extensionMember'> => ({
      id: membership.get(a.id)!,
      kind: 'extensionMember',
      schema: a.schema,
      name: a.id,
      parent: a.id,
      owner: null,
      def: { extension: a.extension, target: a.target },
      deps: [a.extensionId, a.id].sort(),
      covers: [],
    }),
  );
  return [...objects, ...members];
}
