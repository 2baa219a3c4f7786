/**
 * Integration tier: the corpora that replay on plain Postgres, discovered and replayed by
 * pgsquash's own stages, then baselined; the baseline must rebuild the same database under the
 * model compare and the pg_dump 15 oracle (schema and data). Skips without ../shared/corpora.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot } from '../../src/catalog/index.js';
import { discover } from '../../src/discover/index.js';
import { emitBaseline } from '../../src/emit/index.js';
import { createEngine, type Database, type Engine } from '../../src/engine/index.js';
import { hasClusterObjects } from '../../src/workflow/baseline.js';
import { replay, type ReplayOptions } from '../../src/replay/index.js';
import { expectRebuilt } from './rebuild.js';
import { corpora as benchCorpora } from '../../bench/corpora.js';
import { corporaRoot, haveCorpora, havePg15, PG15_BIN } from '../helpers/paths.js';

/** Every corpus that replays on plain Postgres, with its runner settings (the list the benchmarks use). */
const corpora: { name: string; dir: string; options?: ReplayOptions }[] = benchCorpora;

const figures: string[] = [];

describe.skipIf(!haveCorpora || !havePg15)(`corpus baselines (${corporaRoot}, Postgres 15)`, () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
  });
  afterAll(async () => {
    await engine?.close();
    if (figures.length) console.log(['corpus | files | objects | baseline lines | introspect ms | emit ms', ...figures].join('\n'));
  });

  for (const c of corpora) {
    it(`${c.name}: the baseline rebuilds the replayed database`, async () => {
      const set = await discover(path.join(corporaRoot, c.dir));
      const source = await engine.createDatabase('corpus');
      let targetEngine: Engine | undefined;
      let target: Database | undefined;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-corpus-'));
      try {
        const a = await source.connect();
        const before = await snapshot(a);
        await replay(set, source, c.options);
        let t = performance.now();
        const replayed = await introspect(a, { before, includeData: true });
        const introspectMs = performance.now() - t;
        await a.end();
        t = performance.now();
        const baseline = emitBaseline(replayed, { pgsquashVersion: '0.0.0-test', postgresMajor: engine.major, sourceFiles: set.migrations.length, inputDigest: 'test' });
        const emitMs = performance.now() - t;
        const file = path.join(dir, 'baseline.sql');
        writeFileSync(file, baseline);

        // Roles are cluster-wide: after the replay this cluster has them, so rebuild on a fresh one.
        if (hasClusterObjects(replayed)) targetEngine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
        target = await (targetEngine ?? engine).createDatabase('corpus');
        figures.push(`${c.name} | ${set.migrations.length} | ${replayed.objects.length} | ${baseline.split('\n').length} | ${introspectMs.toFixed(0)} | ${emitMs.toFixed(0)}`);
        await expectRebuilt(source, target, replayed, file);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await source.drop();
        await target?.drop();
        await targetEngine?.close();
      }
    });
  }
});
