import type pg from 'pg';
import { dataTables, movedSequences, readExtensionConfig, readSequenceStates, readTableData, readTableDigests } from './data.js';
import { UncoveredObjectsError } from './errors.js';
import { OTHER_DATABASE } from './queries/identities.js';
import type { AnyObject, Catalog, CatalogSnapshot, ChangedObject } from './model.js';
import { viewReplaceable } from './views.js';
import { readCatalog, sortObjects } from './read-model.js';
import { inCatalogSession, serverVersionNum } from './session.js';
import { findAdopted, releaseStatements, withMemberships, type ScriptMembers } from './adopted.js';

export interface IntrospectOptions {
  /** The snapshot taken after the preludes; without it every user object counts as created. */
  before?: CatalogSnapshot;
  /** Read table rows and sequence positions (the reference-data section). */
  includeData?: boolean;
  /**
   * What each extension's script makes alone (a scratch database of the same engine): without it,
   * members an event trigger added to an extension stay the extension's (adopted.ts).
   */
  scriptMembers?: ScriptMembers;
  /** The migrations add objects to extensions themselves (`addsToExtension`): look for such members even without event triggers. */
  addedToExtensions?: boolean;
}

/** The catalog after the preludes, for `introspect({ before })`. */
export async function snapshot(client: pg.Client): Promise<CatalogSnapshot> {
  const version = await serverVersionNum(client);
  return inCatalogSession(client, async () => {
    const { objects, identities } = await readCatalog(client, version);
    const config = await readExtensionConfig(client);
    return {
      serverVersionNum: version,
      objects,
      identities,
      tableDigests: await readTableDigests(client, [...dataTables(objects), ...config.tables]),
      sequences: (await readSequenceStates(client, [...objects, ...config.sequences])).map(({ start: _start, ...s }) => s),
    };
  });
}

/**
 * Reads what the migrations created or changed since `before`. Throws UncoveredObjectsError when
 * the database holds objects (created since `before`) that the model cannot reproduce.
 */
export async function introspect(client: pg.Client, options: IntrospectOptions = {}): Promise<Catalog> {
  const version = await serverVersionNum(client);
  const adopted = options.scriptMembers ? await findAdopted(client, options.scriptMembers, new Set(options.before?.identities ?? []), options.addedToExtensions) : [];
  return inCatalogSession(client, async (second) => {
    const read = await readCatalog(client, version, second);
    const { preinstalled, identities } = read;
    const all = adopted.length ? sortObjects(withMemberships(read.objects, adopted)) : read.objects;
    const covered = new Set<string>();
    for (const o of all) {
      covered.add(o.id);
      for (const c of o.covers) covered.add(c);
    }
    // Without a before-snapshot, initdb's own objects (and the public schema's privileges, and
    // whatever other databases of the cluster hold) existed.
    const existed = new Set(
      options.before?.identities ?? [...preinstalled, ...identities.filter((id) => id.startsWith('privileges on schema public: ') || OTHER_DATABASE.test(id))],
    );
    const uncovered = identities.filter((id) => !covered.has(id) && !existed.has(id));
    if (uncovered.length > 0) throw new UncoveredObjectsError(uncovered);

    const byId = new Map(all.map((o) => [o.id, o]));
    const baseline = options.before?.objects ?? preinstalled.map((id) => byId.get(id)!);
    const { objects, changed, removed, rebuilt } = delta(baseline, all);
    if (!options.includeData) return { serverVersionNum: version, objects, changed, removed, rebuilt, data: null, sequences: null };
    // Rows of new tables, plus pre-existing tables whose rows the migrations changed; extensions'
    // configuration tables count as tables (new with their extension, or pre-existing).
    const config = await readExtensionConfig(client);
    const digestsBefore = options.before?.tableDigests ?? {};
    const existing = [...dataTables(all), ...config.tables].filter((t) => t.id in digestsBefore);
    const digestsNow = await readTableDigests(client, existing);
    const replace = new Set(existing.filter((t) => digestsNow[t.id] !== digestsBefore[t.id]).map((t) => t.id));
    const created = [...dataTables(objects), ...config.tables].filter((t) => !(t.id in digestsBefore));
    const tables = [...created, ...existing.filter((t) => replace.has(t.id))];
    return {
      serverVersionNum: version,
      objects,
      changed,
      removed,
      rebuilt,
      data: await readTableData(client, tables, [...all, ...config.columns], replace),
      sequences: movedSequences(await readSequenceStates(client, [...all, ...config.sequences]), options.before?.sequences ?? []),
    };
  }, { companion: true, undone: releaseStatements(adopted) });
}

/** What differs from `before`: new and changed objects, and pre-existing ones that are gone. */
function delta(before: AnyObject[], after: AnyObject[]): Pick<Catalog, 'objects' | 'changed' | 'removed' | 'rebuilt'> {
  const old = new Map(before.map((o) => [o.id, o]));
  const now = new Set(after.map((o) => o.id));
  const changed: ChangedObject[] = [];
  for (const o of after) {
    const prior = old.get(o.id);
    if (prior && !sameDefinition(prior, o)) changed.push({ before: prior, after: o });
  }
  // A view the baseline drops and makes again takes its grants, comments, rules and triggers with
  // it: those count as new even where the migrations restored them as they were.
  const rebuilt = new Set(changed.filter((c) => c.before.kind === 'view' && c.after.kind === 'view' && !viewReplaceable(c.before.def, c.after.def)).map((c) => c.after.id));
  // Pre-existing views that read a rebuilt one go with it, even unchanged: DROP VIEW refuses while they exist.
  for (let grew = rebuilt.size > 0; grew; ) {
    grew = false;
    for (const o of after) {
      if (o.kind !== 'view' || rebuilt.has(o.id) || !old.has(o.id) || !o.deps.some((d) => rebuilt.has(d))) continue;
      rebuilt.add(o.id);
      grew = true;
      if (!changed.some((c) => c.after.id === o.id)) changed.push({ before: old.get(o.id)!, after: o });
    }
  }
  const objects = after.filter((o) => {
    const prior = old.get(o.id);
    return !prior || !sameDefinition(prior, o) || rebuilt.has(o.id) || (o.parent !== null && rebuilt.has(o.parent));
  });
  return { objects, changed, removed: before.filter((o) => !now.has(o.id)), rebuilt: [...rebuilt].sort() };
}


export function sameDefinition(a: AnyObject, b: AnyObject): boolean {
  return a.kind === b.kind && a.parent === b.parent && JSON.stringify(a.def) === JSON.stringify(b.def);
}
