/**
 * Keeps a PG 15 engine with the replayed wide schema running, for repeated introspection
 * measurements (the replay of 10,000 tables takes ~17 s, so it is done once):
 *   node --import tsx bench/tools/wide-server.ts [FILES] > url.txt   (stop it with SIGTERM)
 * Prints the database URL on stdout once ready (it holds a password: keep it out of logs).
 */
import { discover } from '../../src/discover/index.js';
import { createEngine } from '../../src/engine/index.js';
import { replay } from '../../src/replay/index.js';
import { cachedSet } from '../generate.js';

const files = Number(process.argv[2] ?? 1001);
const set = await cachedSet({ profile: 'wide', files });
const engine = await createEngine({ kind: 'embedded', pgBin: '/usr/lib/postgresql/15/bin' });
const stop = () => void engine.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const db = await engine.createDatabase();
await replay(await discover(set.dir), db);
const client = await db.connect();
// as after any replay: no ANALYZE, so the planner sees the catalogs as they are right after it
await client.end();
console.log(db.url);
setInterval(() => undefined, 1 << 30);
