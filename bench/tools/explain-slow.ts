/**
 * Finds the catalog queries whose plans go wrong at scale: replays DIR into a PG 15 database with
 * the psql floor, runs introspection, and prints EXPLAIN ANALYZE (join lines) for every query
 * slower than the threshold.
 *   node --import tsx bench/tools/explain-slow.ts DIR [threshold-ms]
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { introspect } from '../../src/catalog/index.js';
import { createEngine } from '../../src/engine/index.js';
import { psqlReplay } from '../floor.js';
import { PG15_BIN } from '../measure.js';

const [dir, threshold = '300'] = process.argv.slice(2);
if (!dir) throw new Error('usage: explain-slow.ts DIR [threshold-ms]');
const engine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
try {
  const db = await engine.createDatabase('explain');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => path.join(dir, f));
  console.log(`floor replay ${(await psqlReplay(PG15_BIN, db, { files })).toFixed(0)} ms`);
  const client = await db.connect();
  const slow: { text: string; values: unknown; ms: number }[] = [];
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = async (...args: unknown[]) => {
    const t0 = performance.now();
    const result = await query(...args);
    const ms = performance.now() - t0;
    const text = typeof args[0] === 'string' ? args[0] : undefined;
    if (text && ms > Number(threshold) && /^\s*(SELECT|WITH)/i.test(text)) slow.push({ text, values: args[1], ms });
    return result;
  };
  const t0 = performance.now();
  await introspect(client as pg.Client, { includeData: true });
  console.log(`introspect ${(performance.now() - t0).toFixed(0)} ms; ${slow.length} queries over ${threshold} ms`);
  for (const s of slow) {
    const { rows } = (await query(`EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) ${s.text}`, s.values)) as { rows: { 'QUERY PLAN': string }[] };
    console.log(`\n--- ${s.ms.toFixed(0)} ms: ${s.text.trim().replace(/\s+/g, ' ').slice(0, 160)}`);
    for (const r of rows) if (/Loop|Join|Removed by Join|Execution|SubPlan|loops=[0-9]{4,}/.test(r['QUERY PLAN'])) console.log(r['QUERY PLAN']);
  }
  await client.end();
} finally {
  await engine.close();
}
