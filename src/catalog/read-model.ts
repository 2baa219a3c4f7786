import type pg from 'pg';
import type { AnyObject } from './model.js';
import { edgesQuery, partsQuery } from './queries/dependencies.js';
import { identitiesQuery, privilegesQuery } from './queries/identities.js';
import type { KindRow } from './kinds/types.js';
import { introspectors } from './registry.js';
import { readColumnar, readColumns } from './columnar.js';
import { identify, Placeholders } from './identify.js';

export interface CatalogRead {
  /** Every covered object, with dependencies, sorted by id. */
  objects: AnyObject[];
  /** Ids of objects initdb made (a database without a before-snapshot must not count them as created). */
  preinstalled: string[];
  /** Every catalog object id, modelled or not, for the completeness guard. */
  identities: string[];
}

/**
 * Kinds read on the second connection, if there is one: with the guard's enumeration and the
 * dependencies, about half the server's work (on the 10,000-table schema, CPU of one backend:
 * constraints 0.6 s, enumeration 0.25 s, dependencies 0.2 s; the other: indexes 0.6 s, columns
 * 0.3 s, the rest 0.3 s).
 */
const SECOND_LANE = new Set(['constraint']);

/** Kinds whose rows the guard's enumeration leaves out (they cover themselves), and columns. */
const ENUMERATED_BY_ROW = new Set(['table', 'index', 'constraint', 'column']);

/**
 * Reads the model, the guard's enumeration, and the dependencies between model objects. With
 * `second` (a connection in the same snapshot, see session.ts) the queries are split between the
 * two, so the server works on two cores while this process parses.
 */
export async function readCatalog(client: pg.Client, version: number, second?: pg.Client): Promise<CatalogRead> {
  const placeholders = new Placeholders();
  const query = async <R extends object>(on: pg.Client, text: string) => (await on.query<R>({ text, types: placeholders.types })).rows;
  // kept in registry order, whichever lane reads them
  const byKind: KindRow[][] = [];
  // rows of columnar kinds had their placeholders recorded as they were read
  const recorded = new Set<KindRow[]>();
  const lanes: ((on: pg.Client) => Promise<void>)[][] = [[], []];
  introspectors.forEach((kind, k) =>
    lanes[second && SECOND_LANE.has(kind.name) ? 1 : 0]!.push(async (on) => {
      if (!kind.columnar) byKind[k] = await query<KindRow>(on, kind.query(version));
      else recorded.add((byKind[k] = await readColumnar<KindRow>(on, kind.query(version), placeholders)));
    }),
  );
  let enumeration: Record<string, unknown[]> = {};
  let privileges: { id: string }[] = [];
  let parts: Record<string, unknown[]> = {};
  let edges: Record<string, unknown[]> = {};
  lanes[second ? 1 : 0]!.push(
    async (on) => void (enumeration = await readColumns(on, identitiesQuery(version))),
    async (on) => void (privileges = await query<{ id: string }>(on, privilegesQuery())),
    async (on) => void (parts = await readColumns(on, partsQuery)),
    async (on) => void (edges = await readColumns(on, edgesQuery)),
  );
  const run = async (lane: ((on: pg.Client) => Promise<void>)[], on: pg.Client) => {
    for (const step of lane) await step(on);
  };
  await Promise.all([run(lanes[0]!, client), run(lanes[1]!, second ?? client)]);

  const rows = byKind.flat();
  const enumerated = enumeration.a as string[];
  const ids = new Map<string, string | null>();
  for (const kindRows of byKind) {
    const marked = recorded.has(kindRows);
    for (const row of kindRows) {
      if (row.a !== undefined) ids.set(row.a, row.id);
      if (!marked) placeholders.collectRow(row);
    }
  }
  for (const row of privileges) placeholders.collectRow(row);
  const unknown = new Set([...placeholders.addresses, ...enumerated].filter((a) => !ids.has(a)));
  for (const [a, id] of await identify(client, unknown)) ids.set(a, id);
  placeholders.resolve(ids);

  const objects: AnyObject[] = [];
  const preinstalled: string[] = [];
  const owner = new Map<string, AnyObject>();
  // Addresses of objects and table columns, for dependencies: the enumeration's (whole objects
  // only) and those of the kinds it leaves out.
  const at = new Map<string, AnyObject>();
  for (const row of rows) {
    if (row.preinstalled) preinstalled.push(row.id);
    const o = {
      id: row.id,
      kind: row.kind,
      schema: row.schema,
      name: row.name,
      parent: row.parent,
      owner: row.owner,
      def: row.def,
      deps: [],
      covers: row.covers ? [...row.covers].sort() : [],
    } as AnyObject;
    objects.push(o);
    owner.set(o.id, o);
    for (const c of o.covers) owner.set(c, o);
  }
  for (const row of rows) if (ENUMERATED_BY_ROW.has(row.kind) && row.guarded !== false) at.set(row.a!, owner.get(row.id)!);
  for (const a of enumerated) {
    const o = owner.get(ids.get(a)!);
    if (o) at.set(a, o);
  }
  attachDependencies(objects, at, parts, edges);
  return {
    objects: sortObjects(objects),
    preinstalled,
    identities: [...sortIds(enumerated.map((a) => ids.get(a)!)), ...sortIds(privileges.map((r) => r.id))],
  };
}

// the default sort compares strings by UTF-16 code units, as `<` does, without a call per comparison
const sortIds = (ids: string[]) => ids.sort();

/**
 * Maps every pg_depend edge onto model objects: an address resolves to the object enumerated
 * there, else to what it is part of (an array type to its element type, a constraint's index to
 * the constraint, a column default to its column, a column to its relation), and a part a model
 * object covers (a domain's constraint) to that object.
 */
function attachDependencies(objects: AnyObject[], at: Map<string, AnyObject>, parts: Record<string, unknown[]>, edges: Record<string, unknown[]>): void {
  const partOf = new Map<string, string>();
  const [pa, pb] = [parts.a as string[], parts.b as string[]];
  for (let k = 0; k < pa.length; k++) partOf.set(pa[k]!, pb[k]!);
  // many edges share an end (a table, a column): each address is resolved once
  const resolved = new Map<string, AnyObject | undefined>();
  const resolve = (start: string): AnyObject | undefined => {
    let o = resolved.get(start);
    if (o === undefined && !resolved.has(start)) resolved.set(start, (o = follow(start)));
    return o;
  };
  const follow = (start: string): AnyObject | undefined => {
    let a: string | undefined = start;
    for (let hops = 0; a !== undefined && hops < 8; hops++) {
      const o = at.get(a);
      if (o) return o;
      // else what it is part of, or for a sub-object (a column) its object
      a = partOf.get(a) ?? (a.endsWith('/0') ? undefined : `${a.slice(0, a.lastIndexOf('/'))}/0`);
    }
    return undefined;
  };
  const deps = new Map<AnyObject, Set<string>>();
  const [ea, eb, owned] = [edges.a as string[], edges.b as string[], edges.owned as boolean[]];
  for (let k = 0; k < ea.length; k++) {
    const from = resolve(ea[k]!);
    const to = resolve(eb[k]!);
    if (!from || !to || from === to) continue;
    if (owned[k] && from.kind === 'sequence') continue;
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
