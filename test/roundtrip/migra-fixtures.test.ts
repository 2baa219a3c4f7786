/**
 * Integration tier: migra's own test schemas (../shared/corpora/migra-fixtures, 26 cases of
 * enums, views, generated and identity columns, partitions, inheritance, RLS, privileges, triggers,
 * extension versions...). Each case gives three histories: `a.sql` alone, `b.sql` alone, and
 * `a.sql` then `expected.sql` (migra's diff from a to b, a real fix-up migration). Each is replayed
 * by pgsquash's own stages after migra's prelude role, baselined, and the baseline must rebuild the
 * replayed database under the model compare and the pg_dump 15 oracle (schema and data).
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot, type CatalogSnapshot } from '../../src/catalog/index.js';
import { discover } from '../../src/discover/index.js';
import { emitBaseline } from '../../src/emit/index.js';
import { createEngine, type Database, type Engine } from '../../src/engine/index.js';
import { ReplayFailedError, replay } from '../../src/replay/index.js';
import { hasClusterObjects } from '../../src/workflow/baseline.js';
import { corporaRoot, haveCorpora, havePg15, PG15_BIN } from '../helpers/paths.js';
import { expectRebuilt } from './rebuild.js';

const root = path.join(corporaRoot, 'migra-fixtures', 'migrations');
const present = haveCorpora && existsSync(root);
const cases = present ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];

/** migra's test creates this role first (SOURCE.md); idempotent, as every database of a cluster runs it. */
const PRELUDE = `DO $$BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'schemainspect_test_role') THEN CREATE ROLE schemainspect_test_role; END IF;
END$$;\n`;

/**
 * `generated_added/expected.sql` was written for another Postgres major (SOURCE.md): on 15 it fails
 * at its first statement, and the replay must say exactly where.
 */
const failsOn15: Record<string, { file: string; sqlstate: string; line: number }> = {
  'generated_added/a+expected': { file: '002_expected.sql', sqlstate: '55000', line: 1 },
};

describe.skipIf(!present || !havePg15)(`migra fixtures (${root}, Postgres 15)`, () => {
  let engine: Engine;
  let work: string;
  let prelude: string;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
    work = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-migra-'));
    prelude = path.join(work, 'prelude.sql');
    writeFileSync(prelude, PRELUDE);
  });
  afterAll(async () => {
    await engine?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('finds the 26 cases', () => {
    expect(cases).toHaveLength(26);
  });

  for (const c of cases) {
    for (const [label, files] of [
      ['a', ['a.sql']],
      ['b', ['b.sql']],
      ['a+expected', ['a.sql', 'expected.sql']],
    ] as const) {
      const name = `${c}/${label}`;
      it(name, async () => {
        const dir = mkdtempSync(path.join(work, 'case-'));
        files.forEach((f, k) => copyFileSync(path.join(root, c, f), path.join(dir, `${String(k + 1).padStart(3, '0')}_${f}`)));
        const set = await discover(dir);
        const source = await engine.createDatabase('migra');
        let targetEngine: Engine | undefined;
        let target: Database | undefined;
        try {
          let before: CatalogSnapshot | undefined;
          const replayed = replay(set, source, { preludes: [prelude], onPreludesDone: async ({ client }) => void (before = await snapshot(client)) });
          const failure = failsOn15[name];
          if (failure) {
            const error = await replayed.then(() => undefined, (e: unknown) => e);
            expect(error).toBeInstanceOf(ReplayFailedError);
            const { absPath, sqlstate, line } = (error as ReplayFailedError).failure;
            expect({ file: path.basename(absPath), sqlstate, line }).toEqual(failure);
            return;
          }
          await replayed;
          const a = await source.connect();
          const catalog = await introspect(a, { before, includeData: true });
          await a.end();
          const file = path.join(dir, 'baseline.sql');
          writeFileSync(file, emitBaseline(catalog, { pgsquashVersion: '0.0.0-test', postgresMajor: engine.major, sourceFiles: files.length, inputDigest: 'test' }));

          if (hasClusterObjects(catalog)) targetEngine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
          target = await (targetEngine ?? engine).createDatabase('migra');
          await expectRebuilt(source, target, catalog, file, PRELUDE);
        } finally {
          await source.drop();
          await target?.drop();
          await targetEngine?.close();
        }
      });
    }
  }
});
