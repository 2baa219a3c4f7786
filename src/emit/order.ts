import { DependencyCycleError } from './errors.js';
import type { SortKey, Step } from './step.js';

function groupOf(s: Step): string {
  return `${s.key[0]}\u0000${s.key[1]}\u0000${s.key[2]}`;
}

function compareKeys(a: Step, b: Step): number {
  const x: SortKey = a.key;
  const y: SortKey = b.key;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p !== q) return p < q ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A binary min-heap of steps, by sort key unless told otherwise: the ready set of Kahn's algorithm. */
class ReadyHeap {
  private items: Step[] = [];
  constructor(private readonly compare: (a: Step, b: Step) => number = compareKeys) {}
  get size(): number {
    return this.items.length;
  }
  peek(): Step | undefined {
    return this.items[0];
  }
  push(step: Step): void {
    const a = this.items;
    a.push(step);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(a[i]!, a[parent]!) >= 0) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }
  pop(): Step {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.compare(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.compare(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Deterministic topological order (Kahn; among ready steps the smallest sort key first, which
 * keeps a schema's objects together and a table's indexes, triggers and comments right after it).
 * Dependencies on ids no step provides are pre-existing objects and are ignored.
 */
export function orderSteps(steps: Step[]): Step[] {
  const provider = new Map<string, Step>();
  for (const s of steps) {
    provider.set(s.id, s);
    for (const p of s.provides ?? []) provider.set(p, s);
  }
  const blockers = new Map<Step, Set<Step>>();
  const dependents = new Map<Step, Step[]>();
  for (const s of steps) {
    const set = new Set<Step>();
    for (const d of s.deps) {
      const p = provider.get(d);
      if (p && p !== s) set.add(p);
    }
    blockers.set(s, set);
    for (const p of set) {
      const list = dependents.get(p) ?? [];
      list.push(s);
      dependents.set(p, list);
    }
  }
  const ready = new ReadyHeap();
  // Ready steps by group, so a table's indexes, triggers and comments follow it as soon as they
  // can, ahead of other ready steps with smaller keys (a function that takes the table's row type).
  // One heap per group (taken steps drop out when they reach the top): scanning the group's list
  // for each step was quadratic in the size of large groups. Equal keys go first come, first served.
  const readyInGroup = new Map<string, ReadyHeap>();
  const arrival = new Map<Step, number>();
  const byArrival = (a: Step, b: Step) => compareKeys(a, b) || arrival.get(a)! - arrival.get(b)!;
  const taken = new Set<Step>();
  const makeReady = (s: Step) => {
    ready.push(s);
    arrival.set(s, arrival.size);
    const g = groupOf(s);
    let heap = readyInGroup.get(g);
    if (!heap) readyInGroup.set(g, (heap = new ReadyHeap(byArrival)));
    heap.push(s);
  };
  const waiting = new Map<Step, number>();
  for (const s of steps) {
    const n = blockers.get(s)!.size;
    if (n === 0) makeReady(s);
    else waiting.set(s, n);
  }
  const ordered: Step[] = [];
  let group: string | undefined;
  for (;;) {
    let next: Step | undefined;
    const local = group === undefined ? undefined : readyInGroup.get(group);
    while (local && local.size > 0 && taken.has(local.peek()!)) local.pop();
    if (local && local.size > 0) next = local.pop();
    else {
      while (ready.size > 0 && !next) {
        const s = ready.pop();
        if (!taken.has(s)) next = s;
      }
    }
    if (!next) break;
    taken.add(next);
    group = groupOf(next);
    ordered.push(next);
    for (const d of dependents.get(next) ?? []) {
      const n = waiting.get(d)! - 1;
      if (n === 0) {
        waiting.delete(d);
        makeReady(d);
      } else waiting.set(d, n);
    }
  }
  if (waiting.size > 0) throw new DependencyCycleError(cycleMembers([...waiting.keys()], blockers));
  return ordered;
}

/** The stuck steps minus those merely downstream of a cycle. */
function cycleMembers(stuck: Step[], blockers: Map<Step, Set<Step>>): string[] {
  const left = new Set(stuck);
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of left) {
      const needed = [...left].some((o) => o !== s && blockers.get(o)!.has(s));
      if (!needed) {
        left.delete(s);
        changed = true;
      }
    }
  }
  return [...left].map((s) => s.id).sort();
}

/**
 * Moves each inlinable FK into its table's CREATE TABLE when everything else it needs is created
 * before that table; the rest stay as ALTER TABLE ... ADD CONSTRAINT after both tables (which is
 * how FK cycles are broken).
 */
export function inlineElements(ordered: Step[]): Step[] {
  const position = new Map<string, number>();
  ordered.forEach((s, i) => {
    position.set(s.id, i);
    for (const p of s.provides ?? []) position.set(p, i);
  });
  const extra = new Map<string, string[]>();
  const moved = new Set<Step>();
  for (const s of ordered) {
    if (!s.inline) continue;
    const target = position.get(s.inline.into);
    const host = target === undefined ? undefined : ordered[target];
    if (!host?.withElements || host.id !== s.inline.into) continue;
    const ok = s.deps.every((d) => {
      const p = position.get(d);
      return p === undefined || p <= target!;
    });
    if (!ok) continue;
    moved.add(s);
    extra.set(host.id, [...(extra.get(host.id) ?? []), s.inline.element]);
  }
  return ordered
    .filter((s) => !moved.has(s))
    .map((s) => {
      const e = extra.get(s.id);
      return e && s.withElements ? { ...s, sql: s.withElements(e) } : s;
    });
}
