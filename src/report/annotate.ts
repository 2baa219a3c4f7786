/**
 * `--annotate`: a `-- from: 011_x.sql, 012_y.sql` line above each object's statement in the
 * baseline, naming the migrations that touched the object. Pure: the emitted text, the catalog it
 * was emitted from and the provenance go in, the annotated text comes out; it never changes what
 * the baseline does (only comment lines are added).
 */
import type { Catalog } from '../catalog/model.js';
import { emitContext, objectSteps } from '../emit/baseline.js';
import type { Provenance } from '../replay/provenance.js';
import { foldHistory } from './history.js';

/** Object id → paths of the migrations that touched it (a table's parts count for the table). */
export function touchedBy(p: Provenance): Map<string, string[]> {
  const files = new Map<string, Set<number>>();
  const add = (id: string, f: number) => files.set(id, (files.get(id) ?? new Set()).add(f));
  for (const h of p.objects) if (h.exists) for (const e of h.events) add(h.id, e.file);
  for (const t of foldHistory(p).trails) if (t.exists) for (const s of t.steps) add(t.id, s.file);
  return new Map([...files].map(([id, set]) => [id, [...set].sort((a, b) => a - b).map((f) => p.files[f] ?? String(f))]));
}

export function annotateBaseline(sql: string, catalog: Catalog, provenance: Provenance): string {
  const touched = touchedBy(provenance);
  const ctx = emitContext(catalog);
  const previous = new Map(catalog.changed.map((c) => [c.after.id, c.before]));
  const exact = new Map<string, string>();
  const firstLines = new Map<string, string | null>();
  for (const o of catalog.objects) {
    for (const step of objectSteps(o, ctx, previous.get(o.id))) {
      if (!step.sql) continue;
      exact.set(step.sql, o.id);
      const first = step.sql.split('\n')[0] as string;
      firstLines.set(first, firstLines.has(first) && firstLines.get(first) !== o.id ? null : o.id);
    }
  }
  return sql
    .split('\n\n')
    .map((chunk) => {
      const id = exact.get(chunk) ?? firstLines.get(chunk.split('\n')[0] as string) ?? undefined;
      const from = id ? touched.get(id) : undefined;
      return from && from.length ? `-- from: ${from.join(', ')}\n${chunk}` : chunk;
    })
    .join('\n\n');
}
