/**
 * Child process: @pgkit/migra's script from an empty database to the URL in argv[2], timed from
 * connect to SQL text (inspection included). Prints one JSON line: {"ms":..,"bytes":..}.
 */
import { performance } from 'node:perf_hooks';
import { run } from '@pgkit/migra';

const url = process.argv[2];
if (!url) throw new Error('usage: migra.ts DATABASE_URL');
const t0 = performance.now();
const migration = await run('EMPTY', url, { unsafe: true });
const sql = migration.sql;
console.log(JSON.stringify({ ms: performance.now() - t0, bytes: Buffer.byteLength(sql) }));
// its client keeps a pool open; the figure is taken, so leave without waiting for it
process.exit(0);
