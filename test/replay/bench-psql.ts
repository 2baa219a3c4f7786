/**
 * Measures replay() against `psql -X -q -v ON_ERROR_STOP=1 -f` per file (with `-1` where the
 * framework wraps the file in a transaction and pgsquash did too), on the same embedded server, for
 * the corpora that replay without a platform. Not a test: timings vary with the machine.
 *
 *   npx tsx test/replay/bench-psql.ts [corpus ...]
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { discover } from '../../src/discover/index.js';
import { createEngine } from '../../src/engine/index.js';
import { replay, type ReplayOptions } from '../../src/replay/index.js';
import { corporaRoot } from '../helpers/paths.js';

const run = promisify(execFile);
const corpora: Record<string, { dir: string; options?: ReplayOptions; psqlPrelude?: string }> = {
  'crates-io': { dir: 'crates-io/migrations' },
  langfuse: { dir: 'langfuse/migrations' },
  marquez: { dir: 'marquez/migrations' },
  harness: { dir: 'harness/migrations', options: { historyTable: 'maragudk-migrate' }, psqlPrelude: '_preludes/harness-migrations-table.sql' },
};

const engine = await createEngine({ kind: 'embedded' });
try {
  const psql = [engine.binDir && path.join(engine.binDir, 'psql'), '/usr/lib/postgresql/15/bin/psql', '/usr/bin/psql'].find(
    (p): p is string => Boolean(p && existsSync(p)),
  );
  if (!psql) throw new Error('no psql found');
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(corpora);
  console.log('corpus | files | pgsquash s | psql -f per file s | ratio | one psql, all files s | ratio');
  for (const name of names) {
    const c = corpora[name];
    if (!c) throw new Error(`unknown corpus ${name}`);
    const set = await discover(path.join(corporaRoot, c.dir));
    const ours = await engine.createDatabase('bench');
    const t0 = performance.now();
    const result = await replay(set, ours, c.options);
    const oursSeconds = (performance.now() - t0) / 1000;
    await ours.drop();

    const theirs = await engine.createDatabase('bench');
    const env = { ...process.env, PGOPTIONS: '' };
    if (c.psqlPrelude) await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', theirs.url, '-f', path.join(corporaRoot, c.psqlPrelude)], { env });
    const t1 = performance.now();
    for (const [k, m] of set.migrations.entries()) {
      // psql reads the file itself; dbmate sections and templates are not in these corpora
      const single = result.files[k]?.executed === 'transaction' ? ['-1'] : [];
      await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...single, '-d', theirs.url, '-f', m.absPath], { env, maxBuffer: 1 << 26 });
    }
    const psqlSeconds = (performance.now() - t1) / 1000;
    await theirs.drop();

    // One psql process for all files (no per-file process start; autocommit, so not the same semantics).
    const oneSession = await engine.createDatabase('bench');
    if (c.psqlPrelude) await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', oneSession.url, '-f', path.join(corporaRoot, c.psqlPrelude)], { env });
    const t2 = performance.now();
    await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', oneSession.url, ...set.migrations.flatMap((m) => ['-f', m.absPath])], { env, maxBuffer: 1 << 26 });
    const oneSessionSeconds = (performance.now() - t2) / 1000;
    await oneSession.drop();
    console.log(
      `${name} | ${set.migrations.length} | ${oursSeconds.toFixed(2)} | ${psqlSeconds.toFixed(2)} | ${(oursSeconds / psqlSeconds).toFixed(2)} | ${oneSessionSeconds.toFixed(2)} | ${(oursSeconds / oneSessionSeconds).toFixed(2)}`,
    );
  }
} finally {
  await engine.close();
}
