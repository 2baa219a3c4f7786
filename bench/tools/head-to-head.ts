/**
 * `introspect()` against `pg_dump -s` on one database, interleaved, with wall and CPU time:
 *   node --import tsx bench/tools/head-to-head.ts URL [N] [--model FILE]
 * CPU: the client's (this process for introspect, pg_dump's via /usr/bin/time) and the server's
 * (the postmaster's reaped children, read from /proc after each session ends). --model writes the
 * model JSON of the first introspection, for diffing a change.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import { introspect } from '../../src/catalog/index.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const url = args[0];
if (!url) throw new Error('usage: head-to-head.ts URL [N] [--model FILE]');
const n = Number(args[1] && !args[1].startsWith('--') ? args[1] : 3);
const modelFile = args.includes('--model') ? args[args.indexOf('--model') + 1] : undefined;
const ticks = 100; // USER_HZ

const admin = new pg.Client({ connectionString: url });
await admin.connect();
const dataDir = (await admin.query<{ d: string }>("SELECT pg_catalog.current_setting('data_directory') AS d")).rows[0]!.d;
await admin.end();
const postmaster = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
/** CPU ms of the server's finished backends (cutime + cstime of the postmaster). */
const serverCpu = () => {
  const fields = readFileSync(`/proc/${postmaster}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
};
const settle = () => new Promise((r) => setTimeout(r, 300));

const rows: { what: string; wall: number; client: number; server: number }[] = [];
for (let k = 0; k < n; k++) {
  {
    const s0 = serverCpu();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const catalog = await introspect(client, { includeData: true });
    await client.end();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    await settle();
    rows.push({ what: 'introspect', wall, client: (c.user + c.system) / 1000, server: serverCpu() - s0 });
    if (k === 0 && modelFile) writeFileSync(modelFile, JSON.stringify(catalog, null, 1));
  }
  {
    const s0 = serverCpu();
    const t0 = performance.now();
    const { stderr } = await run('/usr/bin/time', ['-f', '%U %S', '/usr/lib/postgresql/15/bin/pg_dump', '--schema-only', '-f', '/dev/null', '-d', url], { maxBuffer: 1 << 26 });
    const wall = performance.now() - t0;
    const [u, s] = stderr.trim().split('\n').pop()!.split(' ').map(Number);
    await settle();
    rows.push({ what: 'pg_dump -s', wall, client: (u! + s!) * 1000, server: serverCpu() - s0 });
  }
  const last = rows.slice(-2).map((r) => `${r.what} ${(r.wall / 1000).toFixed(2)} s (cpu client ${(r.client / 1000).toFixed(2)} + server ${(r.server / 1000).toFixed(2)} s)`);
  console.log(`#${k + 1}: ${last.join('; ')}; load ${os.loadavg()[0]!.toFixed(2)}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const med = (what: string, f: (r: (typeof rows)[number]) => number) => median(rows.filter((r) => r.what === what).map(f));
for (const what of ['introspect', 'pg_dump -s']) {
  console.log(`median ${what}: wall ${(med(what, (r) => r.wall) / 1000).toFixed(2)} s, cpu client ${(med(what, (r) => r.client) / 1000).toFixed(2)} s, server ${(med(what, (r) => r.server) / 1000).toFixed(2)} s`);
}
console.log(`pg_dump ÷ introspect (wall): ${(med('pg_dump -s', (r) => r.wall) / med('introspect', (r) => r.wall)).toFixed(2)}×`);
