/**
 * Provenance folded for people: changes to a table's columns, constraints, indexes, triggers and
 * policies count as changes to the table; per file, what it created, altered and dropped, and
 * whether any of it lasted.
 */
import type { ObjectHistory, Provenance, ProvenanceAction } from '../replay/provenance.js';

export interface Step {
  file: number;
  action: ProvenanceAction;
}

export interface ObjectTrail {
  id: string;
  /** Earlier ids (renames). */
  formerIds: string[];
  exists: boolean;
  steps: Step[];
  /** Distinct files that touched it. */
  files: number;
}

export interface FileEffect {
  file: number;
  created: string[];
  altered: { id: string; parts: string[] }[];
  dropped: string[];
  /** Some change still shows after the last file. */
  lasting: boolean;
  /** Only alters objects created elsewhere (or before the migrations). */
  fix: boolean;
}

/** `table column public.users.email` → `column email`, `policy p on public.t` → `policy p`. */
export function partName(h: Pick<ObjectHistory, 'id' | 'type'>): string {
  const identity = h.id.slice(h.type.length + 1);
  const own = identity.includes(' on ') ? identity.slice(0, identity.indexOf(' on ')) : (identity.split('.').pop() ?? identity);
  const kind = h.type.replace(/^(foreign )?table /, '');
  return `${kind} ${own}`;
}

const alive = (h: ObjectHistory, file: number) => {
  const created = h.preexisting ? -1 : (h.events.find((e) => e.action === 'created')?.file ?? -1);
  const dropped = h.events.find((e) => e.action === 'dropped')?.file ?? Infinity;
  return created <= file && file <= dropped;
};

/** The owner of each part at the time of each of its events (a recreated table is another owner). */
function ownerAt(byId: Map<string, ObjectHistory[]>, parent: string, file: number): ObjectHistory | undefined {
  return byId.get(parent)?.find((h) => alive(h, file));
}

export function foldHistory(p: Provenance): { trails: ObjectTrail[]; files: FileEffect[] } {
  const byId = new Map<string, ObjectHistory[]>();
  for (const h of p.objects) byId.set(h.id, [...(byId.get(h.id) ?? []), h]);
  const top = p.objects.filter((h) => h.parent === null);
  const steps = new Map<ObjectHistory, Step[]>(top.map((h) => [h, h.events.map((e) => ({ file: e.file, action: e.action }))]));
  const parts = new Map<string, string[]>();
  for (const h of p.objects) {
    if (h.parent === null) continue;
    for (const e of h.events) {
      const owner = ownerAt(byId, h.parent, e.file);
      if (!owner) continue;
      const list = steps.get(owner) ?? [];
      if (!list.some((s) => s.file === e.file)) list.push({ file: e.file, action: 'altered' });
      steps.set(owner, list);
      if (list.find((s) => s.file === e.file)?.action === 'altered') {
        const k = `${e.file}\u0000${owner.id}`;
        parts.set(k, [...(parts.get(k) ?? []), `${e.action === 'created' ? '+' : e.action === 'dropped' ? '-' : '~'}${partName(h)}`]);
      }
    }
  }
  const trails: ObjectTrail[] = [...steps].map(([h, s]) => {
    const sorted = [...s].sort((a, b) => a.file - b.file || order(a.action) - order(b.action));
    return { id: h.id, formerIds: h.formerIds, exists: h.exists, steps: sorted, files: new Set(sorted.map((x) => x.file)).size };
  });
  trails.sort((a, b) => b.files - a.files || (a.id < b.id ? -1 : a.id > b.id ? 1 : (a.steps[0]?.file ?? 0) - (b.steps[0]?.file ?? 0)));

  const files: FileEffect[] = p.files.map((_, file) => ({ file, created: [], altered: [], dropped: [], lasting: false, fix: false }));
  for (const t of trails) {
    for (const s of t.steps) {
      const f = files[s.file] as FileEffect;
      if (s.action === 'created') f.created.push(t.id);
      else if (s.action === 'dropped') f.dropped.push(t.id);
      else f.altered.push({ id: t.id, parts: [...new Set(parts.get(`${s.file}\u0000${t.id}`) ?? [])].sort() });
    }
  }
  const finalDigest = new Map<string, string>();
  for (const h of p.objects) if (h.exists) finalDigest.set(h.id, h.digest);
  for (const h of p.objects) {
    for (const e of h.events) {
      const f = files[e.file] as FileEffect;
      if (f.lasting) continue;
      if (e.action === 'created') f.lasting = h.exists;
      else if (e.action === 'altered') f.lasting = h.exists && h.digest !== e.before;
      else f.lasting = finalDigest.get(h.id) !== e.before;
    }
  }
  for (const f of files) {
    for (const list of [f.created, f.dropped]) list.sort();
    f.altered.sort((a, b) => (a.id < b.id ? -1 : 1));
    f.fix = f.created.length === 0 && f.dropped.length === 0 && f.altered.length > 0;
  }
  return { trails, files };
}

const order = (a: ProvenanceAction) => (a === 'dropped' ? 0 : a === 'created' ? 1 : 2);
