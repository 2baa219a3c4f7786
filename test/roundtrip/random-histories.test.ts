/**
 * Random migration histories (test/helpers/random-history.ts: tables, columns renamed, retyped and
 * dropped, keys, indexes, views, enums, partitions, inheritance, identity, generated columns,
 * grants, policies, triggers, comments, rows...), each statement kept only if Postgres ran it.
 * Each history is replayed by pgsquash's stages and its baseline must rebuild the same database
 * under the model compare and the pg_dump 15 oracle, schema and data. Fixed seeds, so a failure
 * reproduces: `SEEDS=1-200 npx vitest run test/roundtrip/random-histories.test.ts` tries more.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot, type CatalogSnapshot } from '../../src/catalog/index.js';
import { discover } from '../../src/discover/index.js';
import { emitBaseline } from '../../src/emit/index.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { replay } from '../../src/replay/index.js';
import { havePg15, PG15_BIN } from '../helpers/paths.js';
import { randomHistory } from '../helpers/random-history.js';
import { expectRebuilt } from './rebuild.js';

function seeds(spec = '1-16'): number[] {
  const [from, to] = spec.split('-').map(Number) as [number, number?];
  return Array.from({ length: (to ?? from) - from + 1 }, (_, k) => from + k);
}

describe.skipIf(!havePg15)('random histories on Postgres 15 under the pg_dump oracle', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
  });
  afterAll(async () => {
    await engine?.close();
  });

  for (const seed of seeds(process.env.SEEDS)) {
    it(`seed ${seed}`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), `pgsquash-random-${seed}-`));
      const scratch = await engine.createDatabase('random');
      const source = await engine.createDatabase('random');
      const target = await engine.createDatabase('random');
      try {
        const generator = await scratch.connect();
        const files = await randomHistory(generator, seed, 14, 4);
        await generator.end();
        files.forEach((sql, k) => writeFileSync(path.join(dir, `${String(k + 1).padStart(3, '0')}_step.sql`), sql));
        // a history that does something: statements kept in most files
        expect(files.filter((f) => f.trim() !== '').length).toBeGreaterThan(10);

        let before: CatalogSnapshot | undefined;
        await replay(await discover(dir), source, { onPreludesDone: async ({ client }) => void (before = await snapshot(client)) });
        const a = await source.connect();
        const catalog = await introspect(a, { before, includeData: true });
        await a.end();
        const file = path.join(dir, 'baseline.sql');
        writeFileSync(file, emitBaseline(catalog, { pgsquashVersion: '0.0.0-test', postgresMajor: engine.major, sourceFiles: files.length, inputDigest: 'test' }));
        await expectRebuilt(source, target, catalog, file);
        rmSync(dir, { recursive: true, force: true });
      } finally {
        // a failing seed's files and baseline stay in `dir` for a look
        await scratch.drop();
        await source.drop();
        await target.drop();
      }
    });
  }
});
