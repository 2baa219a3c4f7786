/**
 * Where introspection and verification spend their time: times every query the catalog sends
 * (by its first line), for one `baseline` run of DIR on PG 15, or for one `introspect()` of the
 * database at URL (e.g. the one bench/tools/wide-server.ts keeps).
 *   node --import tsx bench/tools/query-times.ts DIR|URL [N]
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { introspect } from '../../src/catalog/index.js';
import { buildBaseline } from '../../src/workflow/baseline.js';

const [dir, top = '20'] = process.argv.slice(2);
if (!dir) throw new Error('usage: query-times.ts DIR|URL [N]');
const times = new Map<string, { ms: number; calls: number }>();
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
  const result = original.apply(this, args);
  if (text === undefined || !(result instanceof Promise)) return result;
  const key = text.trim().replace(/\s+/g, ' ').slice(0, 110);
  const t0 = performance.now();
  const record = () => {
    const entry = times.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - t0;
    entry.calls++;
    times.set(key, entry);
  };
  result.then(record, record);
  return result;
};
if (/^postgres(ql)?:/.test(dir)) {
  const client = new pg.Client({ connectionString: dir });
  await client.connect();
  const t0 = performance.now();
  await introspect(client, { includeData: true });
  console.log(`introspect ${(performance.now() - t0).toFixed(0)} ms`);
  await client.end();
} else {
  const result = await buildBaseline(dir, { engine: 'embedded', pgBin: '/usr/lib/postgresql/15/bin', preset: 'none' });
  console.log(JSON.stringify(result.timings));
}
for (const [key, { ms, calls }] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(top))) {
  console.log(`${ms.toFixed(0).padStart(7)} ms ${String(calls).padStart(6)}x  ${key}`);
}
