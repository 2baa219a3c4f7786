import type pg from 'pg';
import type { AnyObject } from './model.js';
import { edgesQuery, partsQuery } from './queries/dependencies.js';
import { identitiesQuery, privilegesQuery } from './queries/identities.js';
import type { KindRow } from './kinds/types.js';
import { introspectors } from './registry.js';
import { identify, Placeholders } from './identify.js';

export interface CatalogRead {
  /** Every covered object, with dependencies, sorted by id. */
  objects: AnyObject[];
  /** Ids of objects initdb made (a database without a before-snapshot must not count them as created). */
  preinstalled: string[];
  /** Every catalog object id, modelled or not, for the completeness guard. */
  identities: string[];
}

/** Reads the model, the guard's enumeration, and the dependencies between model objects. */
export async function readCatalog(client: pg.Client, version: number): Promise<CatalogRead> {
  const placeholders = new Placeholders();
  const query = async <R extends object>(text: string) => (await client.query<R>({ text, types: placeholders.types })).rows;
  const rows: KindRow[] = [];
  for (const kind of introspectors) {
    const result = await client.query<KindRow>({ text: kind.query(version), types: placeholders.types });
    const fields = result.fields.filter((f) => f.name.startsWith(DEF)).map((f) => [f.name, f.name.slice(DEF.length)] as const);
    for (const row of result.rows) {
      if (fields.length > 0) row.def = defOf(row as unknown as Record<string, unknown>, fields, placeholders);
      rows.push(row);
    }
  }
  const named = await query<{ a: string; id: string | null }>(identitiesQuery(version));
  const enumerated = named.map((r) => r.a);
  const privileges = await query<{ id: string }>(privilegesQuery());

  const ids = new Map<string, string | null>();
  // Table columns are in the enumeration's place for dependencies (it has whole objects only).
  const columns: string[] = [];
  for (const row of rows) {
    if (row.a !== undefined) ids.set(row.a, row.id);
    if (row.kind === 'column') columns.push(row.a!);
    placeholders.collectRow(row);
  }
  for (const r of named) if (r.id !== null) ids.set(r.a, r.id);
  for (const row of privileges) placeholders.collectRow(row);
  const unknown = new Set([...placeholders.addresses, ...enumerated].filter((a) => !ids.has(a)));
  for (const [a, id] of await identify(client, unknown)) ids.set(a, id);
  placeholders.resolve(ids);

  const objects: AnyObject[] = [];
  const preinstalled: string[] = [];
  for (const row of rows) {
    if (row.preinstalled) preinstalled.push(row.id);
    objects.push({
      id: row.id,
      kind: row.kind,
      schema: row.schema,
      name: row.name,
      parent: row.parent,
      owner: row.owner,
      def: row.def,
      deps: [],
      covers: [...(row.covers ?? [])].sort(),
    } as AnyObject);
  }
  const idAt = new Map<string, string>();
  for (const a of [...enumerated, ...columns]) idAt.set(a, ids.get(a)!);
  await attachDependencies(client, objects, idAt);
  return {
    objects: sortObjects(objects),
    preinstalled,
    identities: [...sortIds(enumerated.map((a) => ids.get(a)!)), ...sortIds(privileges.map((r) => r.id))],
  };
}

// the default sort compares strings by UTF-16 code units, as `<` does, without a call per comparison
/** Prefix of the columns a kind query may return its def in, one per field, instead of one json `def`. */
const DEF = 'def.';

/**
 * The def of a row whose query returned it as columns: in column order (the order json_build_object
 * would give the keys), each value as its type parser read it. Building json for every row cost
 * the server more than all the rest of the row (json_build_object looks up each argument's type).
 */
function defOf(row: Record<string, unknown>, fields: readonly (readonly [string, string])[], placeholders: Placeholders): Record<string, unknown> {
  const def: Record<string, unknown> = {};
  for (const [column, key] of fields) {
    def[key] = row[column];
    placeholders.collectField(def, key);
  }
  return def;
}

const sortIds = (ids: string[]) => ids.sort();

/**
 * Maps every pg_depend edge onto model objects: an address resolves to the object enumerated
 * there, else to what it is part of (an array type to its element type, a constraint's index to
 * the constraint, a column default to its column, a column to its relation), and a part a model
 * object covers (a domain's constraint) to that object.
 */
async function attachDependencies(client: pg.Client, objects: AnyObject[], idAt: Map<string, string>): Promise<void> {
  const owner = new Map<string, AnyObject>();
  for (const o of objects) {
    owner.set(o.id, o);
    for (const c of o.covers) owner.set(c, o);
  }
  const partOf = new Map<string, string>();
  for (const r of (await client.query<{ a: string; b: string }>(partsQuery)).rows) partOf.set(r.a, r.b);
  // many edges share an end (a table, a column): each address is resolved once
  const resolved = new Map<string, AnyObject | undefined>();
  const resolve = (start: string): AnyObject | undefined => {
    if (resolved.has(start)) return resolved.get(start);
    const o = follow(start);
    resolved.set(start, o);
    return o;
  };
  const follow = (start: string): AnyObject | undefined => {
    let a: string | undefined = start;
    for (let hops = 0; a !== undefined && hops < 8; hops++) {
      const id = idAt.get(a);
      const o = id === undefined ? undefined : owner.get(id);
      if (o) return o;
      const next: string | undefined = partOf.get(a) ?? (a.endsWith('/0') ? undefined : a.replace(/\/-?\d+$/, '/0'));
      a = next;
    }
    return undefined;
  };
  const deps = new Map<AnyObject, Set<string>>();
  for (const r of (await client.query<{ a: string; b: string; owned: boolean }>(edgesQuery)).rows) {
    const from = resolve(r.a);
    const to = resolve(r.b);
    if (!from || !to || from === to) continue;
    if (r.owned && from.kind === 'sequence') continue;
    let set = deps.get(from);
    if (!set) deps.set(from, (set = new Set()));
    set.add(to.id);
  }
  for (const o of objects) o.deps = [...(deps.get(o) ?? [])].sort();
}

export function sortObjects<T extends { id: string }>(objects: T[]): T[] {
  const byId = new Map(objects.map((o) => [o.id, o]));
  // ids are unique; the default sort of the ids is the fast path (see sortIds)
  if (byId.size !== objects.length) return objects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  sortIds([...byId.keys()]).forEach((id, k) => (objects[k] = byId.get(id)!));
  return objects;
}
