import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBaseline } from '../../src/workflow/baseline.js';
import type { PipelineOptions } from '../../src/workflow/options.js';
import { corpora } from '../../bench/corpora.js';
import { corporaRoot, haveCorpora } from '../helpers/paths.js';

if (!haveCorpora) console.warn(`corpus tier skipped: ${corporaRoot} not found (the shared corpora live beside the project)`);

const corpus = (...parts: string[]) => path.join(corporaRoot, ...parts);

/** Seed rows here hold values the replay produced from now(): kept as produced, so they differ run to run. */
const volatile = new Set(['langfuse', 'harness', 'chatbot-ui']);

/** The runner settings each corpus's SOURCE.md describes (one list, shared with the benchmarks). */
const cases: { name: string; dir: string; options: PipelineOptions; volatileRows: boolean }[] = [
  ...corpora,
  { name: 'chatbot-ui', dir: 'chatbot-ui/migrations', options: { preset: 'supabase' } },
].map((c) => ({ ...c, volatileRows: volatile.has(c.name) }));

const DATA_HEADING = '\n-- Reference data';
const schemaPart = (sql: string) => sql.slice(0, sql.indexOf(DATA_HEADING) === -1 ? undefined : sql.indexOf(DATA_HEADING));

describe.skipIf(!haveCorpora)('baseline on every real corpus: verified, and the same bytes twice', () => {
  it.each(cases)('$name', async ({ dir, options, volatileRows }) => {
    const first = await buildBaseline(corpus(dir), { ...options, preset: options.preset ?? 'none' });
    expect(first.differences).toEqual([]);
    expect(first.stats.objects).toBeGreaterThan(50);
    console.log(
      `${dir}: ${first.set.migrations.length} files, ${first.stats.objects} objects, ${first.stats.lines} lines, ` +
        `${first.stats.dataRows} rows, ${(first.timings.totalMs / 1000).toFixed(2)} s on ${first.engine}`,
    );
    const second = await buildBaseline(corpus(dir), { ...options, preset: options.preset ?? 'none', verify: false });
    if (volatileRows) {
      expect(first.sql).toContain(DATA_HEADING);
      expect(schemaPart(second.sql)).toBe(schemaPart(first.sql));
      expect(second.sql.split('\n')).toHaveLength(first.sql.split('\n').length);
    } else {
      expect(second.sql).toBe(first.sql);
    }
  });
});
