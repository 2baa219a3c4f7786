import type pg from 'pg';
import type { AnyObject } from './model.js';
import { dependenciesQuery } from './queries/dependencies.js';
import { identitiesQuery, privilegesQuery } from './queries/identities.js';
import type { KindRow } from './kinds/types.js';
import { introspectors } from './registry.js';

/**
 * Reads every covered object of the database into the model, with dependencies; also the ids of
 * objects initdb made (which a database without a before-snapshot must not count as created).
 */
export async function readObjects(client: pg.Client, version: number): Promise<{ objects: AnyObject[]; preinstalled: string[] }> {
  const objects: AnyObject[] = [];
  const preinstalled: string[] = [];
  for (const kind of introspectors) {
    const { rows } = await client.query<KindRow>(kind.query(version));
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
  }
  // A dependency on a part (a domain's constraint, a constraint's index) is one on its owner.
  const owner = new Map<string, string>();
  for (const o of objects) {
    owner.set(o.id, o.id);
    for (const c of o.covers) owner.set(c, o.id);
  }
  const deps = new Map<string, Set<string>>();
  const { rows } = await client.query<{ id: string; ref: string }>(dependenciesQuery);
  for (const { id, ref } of rows) {
    const from = owner.get(id) ?? id;
    const to = owner.get(ref) ?? ref;
    if (from === to) continue;
    let set = deps.get(from);
    if (!set) deps.set(from, (set = new Set()));
    set.add(to);
  }
  for (const o of objects) o.deps = [...(deps.get(o.id) ?? [])].sort();
  return { objects: sortObjects(objects), preinstalled };
}

export function sortObjects<T extends { id: string }>(objects: T[]): T[] {
  return objects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function readIdentities(client: pg.Client, version: number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(identitiesQuery(version));
  const privileges = await client.query<{ id: string }>(privilegesQuery());
  return [...rows, ...privileges.rows].map((r) => r.id);
}
