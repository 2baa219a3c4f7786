import type { AnyObject, Catalog } from '../catalog/model.js';
import { emitContext, objectSteps } from '../emit/baseline.js';

export interface Difference {
  /** Model id (`table public.users`), `data <table>` or `sequence state <name>`. */
  id: string;
  kind: string;
  /** `missing`: only in the first catalog; `extra`: only in the second; `changed`: in both, unequal. */
  change: 'missing' | 'extra' | 'changed';
  /** Definition fields that differ (for `changed`). */
  fields: string[];
  /** DDL of the object in each catalog (null where absent). */
  a: string | null;
  b: string | null;
}

/**
 * Compares two catalogs object by object: definitions, then (when both were read with data)
 * table rows and sequence positions. `a` is the reference (the replayed database).
 */
export function compareCatalogs(a: Catalog, b: Catalog, options: { owners?: boolean } = {}): Difference[] {
  const diffs: Difference[] = [];
  const left = new Map(a.objects.map((o) => [o.id, o]));
  const right = new Map(b.objects.map((o) => [o.id, o]));
  const ddlA = ddlOf(a);
  const ddlB = ddlOf(b);
  for (const id of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const x = left.get(id);
    const y = right.get(id);
    if (x && y) {
      const fields = differingFields(x, y);
      // Owners are part of the baseline only with the owners option, so only then compared.
      if (options.owners && x.owner !== y.owner) fields.push('owner');
      if (fields.length) diffs.push({ id, kind: x.kind, change: 'changed', fields, a: ddlA(x), b: ddlB(y) });
    } else if (x) diffs.push({ id, kind: x.kind, change: 'missing', fields: [], a: ddlA(x), b: null });
    else if (y) diffs.push({ id, kind: y.kind, change: 'extra', fields: [], a: null, b: ddlB(y) });
  }
  const removedA = new Set(a.removed.map((o) => o.id));
  const removedB = new Set(b.removed.map((o) => o.id));
  for (const id of [...new Set([...removedA, ...removedB])].sort()) {
    if (removedA.has(id) !== removedB.has(id)) {
      diffs.push({ id, kind: 'removed', change: removedA.has(id) ? 'missing' : 'extra', fields: ['dropped'], a: null, b: null });
    }
  }
  if (a.data && b.data) diffs.push(...compareKeyed('data', a.data, b.data, (t) => t.table, (t) => [t.columns.join(', '), ...t.rows].join('\n')));
  if (a.sequences && b.sequences) {
    diffs.push(...compareKeyed('sequence state', a.sequences, b.sequences, (s) => s.sequence, (s) => `setval(${s.literal}, ${s.lastValue}, ${s.isCalled})`));
  }
  return diffs;
}

function differingFields(x: AnyObject, y: AnyObject): string[] {
  const fields: string[] = [];
  if (x.kind !== y.kind) fields.push('kind');
  if (x.parent !== y.parent) fields.push('parent');
  const dx = x.def as unknown as Record<string, unknown>;
  const dy = y.def as unknown as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(dx), ...Object.keys(dy)])]) {
    if (JSON.stringify(dx[k]) !== JSON.stringify(dy[k])) fields.push(k);
  }
  return fields;
}

function ddlOf(catalog: Catalog): (o: AnyObject) => string {
  // Each object rendered on its own (nothing counts as created with its parent), so a column shows
  // as ADD COLUMN rather than vanishing into its table's CREATE TABLE.
  const ctx = emitContext({ objects: catalog.objects, changed: catalog.objects.map((o) => ({ before: o, after: o })) });
  return (o) => objectSteps(o, ctx).map((s) => s.sql).join('\n');
}

function compareKeyed<T>(kind: string, xs: T[], ys: T[], key: (t: T) => string, text: (t: T) => string): Difference[] {
  const left = new Map(xs.map((x) => [key(x), x]));
  const right = new Map(ys.map((y) => [key(y), y]));
  const diffs: Difference[] = [];
  for (const k of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const x = left.get(k);
    const y = right.get(k);
    const tx = x ? text(x) : null;
    const ty = y ? text(y) : null;
    if (tx === ty) continue;
    diffs.push({ id: `${kind} ${k}`, kind, change: !y ? 'missing' : !x ? 'extra' : 'changed', fields: x && y ? ['rows'] : [], a: tx, b: ty });
  }
  return diffs;
}
