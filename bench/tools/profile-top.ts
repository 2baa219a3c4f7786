/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function,
 * top N, so a missed target can be traced to its hot spot without a GUI.
 *   node --import tsx bench/tools/profile-top.ts FILE.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, top = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, k) => {
  const dt = (profile.timeDeltas[k] ?? 0) / 1000;
  all += dt;
  const node = byId.get(id);
  if (!node) return;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at) as Node);
    if (!seen.has(l)) total.set(l, (total.get(l) ?? 0) + dt);
    seen.add(l);
  }
});
const show = (title: string, m: Map<string, number>) => {
  console.log(`${title} (of ${all.toFixed(0)} ms sampled)`);
  for (const [l, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${ms.toFixed(0).padStart(8)} ms  ${l}`);
};
show('self', self);
show('inclusive', total);
