/**
 * The benchmark generator (bench/generate.ts): same options give the same bytes, and what it
 * writes replays on real Postgres and builds exactly the objects it says it built.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, generate, writeSet, type GenerateOptions } from '../../bench/generate.js';
import { discover } from '../../src/discover/index.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { replay } from '../../src/replay/index.js';

describe('generate is deterministic', () => {
  it('same seed gives the same bytes; another seed or size gives others', () => {
    const options: GenerateOptions = { profile: 'history', files: 400, seed: 7 };
    const a = generate(options);
    const b = generate(options);
    expect(b.files).toEqual(a.files);
    expect(digest(b)).toBe(digest(a));
    expect(digest(generate({ ...options, seed: 8 }))).not.toBe(digest(a));
    // a longer history starts with the same files: growth only appends
    expect(generate({ ...options, files: 500 }).files.slice(1, 400).map((f) => f.sql)).toEqual(a.files.slice(1).map((f) => f.sql));
    expect(digest(generate({ profile: 'wide', files: 21 }))).toBe(digest(generate({ profile: 'wide', files: 21 })));
  });
});

describe('a small generated set replays on Postgres', () => {
  let engine: Engine;
  let root: string;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded' });
    root = await mkdtemp(path.join(os.tmpdir(), 'pgsquash-gen-'));
  });
  afterAll(async () => {
    await engine?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const options of [{ profile: 'history', files: 150, seed: 3 }, { profile: 'wide', files: 6 }] satisfies GenerateOptions[]) {
    it(`${options.profile}, ${options.files} files: the catalog holds what the generator counted`, async () => {
      const set = generate(options);
      const dir = path.join(root, options.profile, 'migrations');
      await writeSet(set, dir);
      const migrations = await discover(dir);
      expect(migrations.migrations).toHaveLength(options.files);
      const db = await engine.createDatabase('gen');
      try {
        await replay(migrations, db);
        const client = await db.connect();
        try {
          const { rows } = await client.query(`
            WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname IN ('app', 'public', 'wide'))
            SELECT (SELECT count(*)::int FROM pg_class WHERE relkind = 'r' AND relnamespace IN (SELECT oid FROM ns)) AS tables,
                   (SELECT count(*)::int FROM pg_class WHERE relkind = 'i' AND relnamespace IN (SELECT oid FROM ns)) AS indexes,
                   (SELECT count(*)::int FROM pg_constraint WHERE contype IN ('p', 'f', 'c', 'u') AND connamespace IN (SELECT oid FROM ns)) AS constraints,
                   (SELECT count(*)::int FROM pg_type WHERE typtype = 'e' AND typnamespace IN (SELECT oid FROM ns)) AS enums,
                   (SELECT count(*)::int FROM pg_class WHERE relkind = 'v' AND relnamespace IN (SELECT oid FROM ns)) AS views,
                   (SELECT count(*)::int FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns)) AS functions,
                   (SELECT count(*)::int FROM pg_trigger WHERE NOT tgisinternal) AS triggers,
                   (SELECT count(*)::int FROM pg_policy) AS policies`);
          const { seedRows: _seedRows, ...counts } = set.counts;
          expect(rows[0]).toEqual(counts);
          // the history profile exercises every kind it promises
          if (options.profile === 'history') for (const [kind, n] of Object.entries(set.counts)) expect({ kind, some: n > 0 }).toEqual({ kind, some: true });
        } finally {
          await client.end();
        }
      } finally {
        await db.drop();
      }
    });
  }
});
