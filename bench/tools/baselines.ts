/**
 * Writes the baseline of every corpus and of generated sets to OUT (one file each, no
 * verification), so that a catalog or emit change can be diffed byte for byte before and after:
 *   node --import tsx bench/tools/baselines.ts OUT [--only NAME]
 * Seed rows of langfuse, harness and chatbot-ui hold now() values: diff their schema part.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildBaseline } from '../../src/workflow/baseline.js';
import type { PipelineOptions } from '../../src/workflow/options.js';
import { availableCorpora, corporaRoot } from '../corpora.js';
import { cachedSet } from '../generate.js';

const [out, flag, only] = process.argv.slice(2);
if (!out || (flag !== undefined && flag !== '--only')) throw new Error('usage: baselines.ts OUT [--only NAME]');
await mkdir(out, { recursive: true });
const { present, skipped } = availableCorpora();
for (const s of skipped) console.warn(s);
const cases: { name: string; dir: string; options: PipelineOptions }[] = [
  ...present.map((c) => ({ name: c.name, dir: path.join(corporaRoot, c.dir), options: { ...c.options, preset: 'none' as const } })),
  { name: 'chatbot-ui', dir: path.join(corporaRoot, 'chatbot-ui/migrations'), options: { preset: 'supabase' } },
  { name: 'history-1000', dir: (await cachedSet({ profile: 'history', files: 1000 })).dir, options: { preset: 'none' } },
  { name: 'wide-1001', dir: (await cachedSet({ profile: 'wide', files: 1001 })).dir, options: { preset: 'none' } },
];
for (const c of cases.filter((c) => only === undefined || c.name === only)) {
  const t0 = performance.now();
  const r = await buildBaseline(c.dir, { ...c.options, verify: false });
  const file = path.join(out, `${c.name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}.sql`);
  await writeFile(file, r.sql);
  console.log(`${file}: ${r.stats.objects} objects, ${r.stats.lines} lines, ${((performance.now() - t0) / 1000).toFixed(1)} s (introspect ${(r.timings.introspectMs / 1000).toFixed(1)} s, emit ${(r.timings.emitMs / 1000).toFixed(2)} s)`);
}
