import type { AnyObject, Catalog, ModelObject, ObjectKind } from '../catalog/model.js';
import { dataSection } from './data.js';
import { inlineElements, orderSteps } from './order.js';
import { emitterFor } from './registry.js';
import { groupRank, type EmitContext, type KindEmitter, type SortKey, type Step } from './step.js';
import { dropThenCreate } from './kinds/basics.js';

export interface HeaderInfo {
  pgsquashVersion: string;
  postgresMajor: number;
  sourceFiles: number;
  /** Digest of the inputs (e.g. sha256 over the migration files), as given. */
  inputDigest: string;
}

export interface EmitOptions {
  /** Leave out the reference-data section (rows and sequence positions). */
  schemaOnly?: boolean;
  /** Emit OWNER TO for owned objects. */
  owners?: boolean;
  /** The superuser that applies the baseline (the replay's): it owns what it creates, so no OWNER TO it. */
  superuser?: string;
}

/** `name` as quote_ident would write it (the catalog's owners are written so). */
const quoted = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

function emitter(kind: ObjectKind): KindEmitter<ObjectKind> {
  return emitterFor(kind) as unknown as KindEmitter<ObjectKind>;
}

export function emitContext(catalog: Pick<Catalog, 'objects' | 'changed'>, options: EmitOptions = {}): EmitContext {
  const objects = new Map(catalog.objects.map((o) => [o.id, o]));
  const changed = new Set(catalog.changed.map((c) => c.after.id));
  const created = new Set(catalog.objects.filter((o) => !changed.has(o.id)).map((o) => o.id));
  const children = new Map<string, AnyObject[]>();
  for (const o of catalog.objects) {
    if (!o.parent) continue;
    const list = children.get(o.parent) ?? [];
    list.push(o);
    children.set(o.parent, list);
  }
  const keys = new Map<string, SortKey | undefined>();
  const ctx: EmitContext = {
    objects,
    created,
    children,
    options: { owners: options.owners ?? false, ...(options.superuser ? { applier: quoted(options.superuser) } : {}) },
    keyOf(id) {
      if (!keys.has(id)) {
        keys.set(id, undefined); // guards against parent loops
        const o = objects.get(id);
        keys.set(id, o ? emitter(o.kind).key(o as ModelObject, ctx) : undefined);
      }
      return keys.get(id);
    },
  };
  return ctx;
}

/** The steps that create (or replace) one object. */
export function objectSteps(o: AnyObject, ctx: EmitContext, before?: AnyObject): Step[] {
  const e = emitter(o.kind);
  if (!before) return e.create(o as ModelObject, ctx);
  return e.alter ? e.alter(before as ModelObject, o as ModelObject, ctx) : dropThenCreate(e, before as ModelObject, o as ModelObject, ctx);
}

/**
 * Renders the baseline: header, drops of pre-existing objects the migrations removed, every
 * created or changed object in dependency order, the reference data, then the statements that
 * must follow the data (trigger firing states, materialized view refreshes).
 */
export function emitBaseline(catalog: Catalog, header: HeaderInfo, options: EmitOptions = {}): string {
  // A changed view that CREATE OR REPLACE cannot reach (a column dropped, renamed or retyped, as
  // when the migrations dropped it around a change to a column it reads) is dropped with the
  // removed objects, ahead of the changes it would block, and made again (with its grants and
  // comments: catalog/introspect.ts counts them as new).
  const rebuiltIds = new Set(catalog.rebuilt);
  const rebuilt = catalog.changed.filter((c) => rebuiltIds.has(c.after.id));
  const changed = catalog.changed.filter((c) => !rebuilt.includes(c));
  const ctx = emitContext({ objects: catalog.objects, changed }, options);
  const previous = new Map(changed.map((c) => [c.after.id, c.before]));
  const steps = catalog.objects.flatMap((o) => objectSteps(o, ctx, previous.get(o.id))).filter((s) => s.sql !== '');
  const ordered = afterPostSteps(inlineElements(orderSteps(steps)));
  const out: string[] = [headerText(header, catalog, options)];
  const drops = dropStatements([...catalog.removed, ...rebuilt.map((c) => c.before)]);
  if (drops.length) out.push('-- Objects the migrations dropped from the pre-existing database', ...drops);
  let heading: string | undefined;
  for (const s of ordered) {
    if (s.section !== 'schema') continue;
    if (sectionHeading(s) !== heading) {
      heading = sectionHeading(s);
      out.push(heading);
    }
    out.push(s.sql);
  }
  if (!options.schemaOnly) out.push(...dataSection(catalog.data ?? [], catalog.sequences ?? []));
  const post = ordered.filter((s) => s.section === 'post');
  if (post.length) out.push('-- After the data', ...post.map((s) => s.sql));
  return `${out.join('\n\n')}\n`;
}

/**
 * Steps that need a step of the after-the-data section (a comment on a NOT VALID check) go there
 * too, in the same order.
 */
function afterPostSteps(ordered: Step[]): Step[] {
  const post = new Set<string>();
  return ordered.map((s) => {
    const late = s.section === 'post' || s.deps.some((d) => post.has(d));
    if (late) for (const id of [s.id, ...(s.provides ?? [])]) post.add(id);
    return late && s.section !== 'post' ? { ...s, section: 'post' } : s;
  });
}

/**
 * The comment above each run of steps: their schema, or for objects in none, roles (the only
 * schema-less steps ranked as a schema) apart from the database's own objects (settings,
 * event triggers, publications, database privileges, global default privileges).
 */
function sectionHeading(s: Step): string {
  if (s.key[0] !== '') return `-- Schema ${s.key[0]}`;
  return s.key[1] === groupRank.schema ? '-- Cluster-wide: roles' : '-- Database-wide: objects outside any schema';
}

const dropOrder: ObjectKind[] = ['comment', 'trigger', 'index', 'constraint', 'view', 'column', 'table', 'userMapping', 'server', 'foreignDataWrapper', 'operatorClass', 'operatorFamily', 'sequence', 'function', 'domain', 'range', 'composite', 'enum', 'extension', 'schema'];

/**
 * Dependents before what they depend on (a view on a view), else by kind, then by id descending;
 * parts go with their parent.
 */
function dropStatements(removed: AnyObject[]): string[] {
  const rank = (o: AnyObject) => dropOrder.indexOf(o.kind);
  const gone = new Set(removed.map((o) => o.id));
  const pending = removed
    .filter((o) => !o.parent || !gone.has(o.parent))
    .sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  // how many of those not dropped yet depend on each one
  const ids = new Set(pending.map((o) => o.id));
  const depsOf = (o: AnyObject) => new Set(o.deps.filter((d) => d !== o.id && ids.has(d)));
  const dependents = new Map<string, number>();
  for (const o of pending) for (const d of depsOf(o)) dependents.set(d, (dependents.get(d) ?? 0) + 1);
  const ordered: AnyObject[] = [];
  const dropped = new Set<string>();
  while (ordered.length < pending.length) {
    // a cycle (none is expected among drops) falls back to the kind order
    const next = pending.find((o) => !dropped.has(o.id) && !dependents.get(o.id)) ?? pending.find((o) => !dropped.has(o.id))!;
    ordered.push(next);
    dropped.add(next.id);
    for (const d of depsOf(next)) dependents.set(d, dependents.get(d)! - 1);
  }
  return ordered.map((o) => emitter(o.kind).drop(o as ModelObject));
}

function headerText(h: HeaderInfo, catalog: Catalog, options: EmitOptions): string {
  const lines = [
    `-- pgsquash ${h.pgsquashVersion} baseline for PostgreSQL ${h.postgresMajor}`,
    `-- Replaces ${h.sourceFiles} migration file${h.sourceFiles === 1 ? '' : 's'}; inputs digest ${h.inputDigest}`,
    `-- Apply to a database prepared like the replay (preludes run) with: psql -X -v ON_ERROR_STOP=1 -1 -f <this file>`,
    '-- check_function_bodies is off so functions with SQL bodies may precede the tables they read.',
  ];
  const hasData = !options.schemaOnly && ((catalog.data?.length ?? 0) > 0 || (catalog.sequences?.length ?? 0) > 0);
  if (hasData) lines.push('-- The reference-data section sets session_replication_role, which requires a superuser.');
  return `${lines.join('\n')}\n\nSET check_function_bodies = off;`;
}
