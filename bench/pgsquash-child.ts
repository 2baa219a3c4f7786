/**
 * Child process: one `pgsquash baseline` run, end to end (engine start, replay, introspection,
 * emit, verify), so its peak RSS is its own. argv[2] is JSON {dir, options}; prints one JSON line
 * with the phase timings, counts, differences and maxRSS (bytes).
 */
import { performance } from 'node:perf_hooks';
import { buildBaseline, type BaselineOptions } from '../src/workflow/baseline.js';

const { dir, options } = JSON.parse(process.argv[2] ?? '{}') as { dir: string; options: BaselineOptions };
const t0 = performance.now();
const result = await buildBaseline(dir, options);
const wallMs = performance.now() - t0;
console.log(
  JSON.stringify({
    timings: result.timings,
    wallMs,
    files: result.set.migrations.length,
    objects: result.stats.objects,
    objectsByKind: result.stats.objectsByKind,
    dataRows: result.stats.dataRows,
    lines: result.stats.lines,
    bytes: Buffer.byteLength(result.sql),
    differences: result.differences?.length ?? null,
    // KiB on Linux
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
