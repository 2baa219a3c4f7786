import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { buildBaseline, type BaselineResult } from '../../src/workflow/baseline.js';
import { diffBaseline, openReadOnly } from '../../src/workflow/diff.js';
import { STEPS, tempProject, writeLayout } from './helpers.js';

const p = tempProject();
let sql = '';
let built: BaselineResult;
let live: Engine;
const opts = { engine: 'embedded' as const, preset: 'none' };

beforeAll(async () => {
  writeLayout(p.migrations, 'numbered');
  built = await buildBaseline(p.migrations, opts);
  sql = built.sql;
  live = await createEngine({ kind: 'embedded' });
});
afterAll(async () => {
  await live?.close();
  p.cleanup();
});

/** Writes an edited copy of the baseline and diffs the migrations against it. */
async function diffWith(edit: (text: string) => string, name: string) {
  const file = path.join(p.root, name);
  writeFileSync(file, edit(sql));
  return diffBaseline(p.migrations, { ...opts, baseline: file });
}

/** The baseline's statements are blank-line separated; drop or move one by its first words. */
const without = (text: string, start: string) => text.split('\n\n').filter((b) => !b.startsWith(start)).join('\n\n');

describe('baseline phase timings', () => {
  it('add up to the total, with the after-preludes snapshot apart from the replay', () => {
    const { engineStartMs, replayMs, snapshotMs, introspectMs, emitMs, verifyMs, totalMs } = built.timings;
    expect(snapshotMs).toBeGreaterThan(0);
    expect(replayMs).toBeGreaterThan(0);
    const sum = engineStartMs + replayMs + snapshotMs + introspectMs + emitMs + verifyMs;
    expect(sum).toBeLessThanOrEqual(totalMs + 1);
    expect(totalMs - sum).toBeLessThan(20);
  });
});

describe('diff', () => {
  it('finds nothing between the migrations and their baseline, even hand-edited: comments added, statements reordered', async () => {
    const edited = await diffWith((text) => {
      const blocks = text.split('\n\n');
      const index = blocks.findIndex((b) => b.startsWith('CREATE INDEX users_email_idx'));
      const [moved] = blocks.splice(index, 1);
      const view = blocks.findIndex((b) => b.startsWith('CREATE VIEW'));
      blocks.splice(view + 1, 0, `-- moved here by hand\n${moved!}`);
      return `-- Reviewed by hand; do not regenerate blindly.\n${blocks.join('\n\n')}`;
    }, 'edited.sql');
    expect(edited.differences).toEqual([]);
    expect(readFileSync(path.join(p.root, 'edited.sql'), 'utf8')).not.toBe(sql);
  });

  it('names a missing index, a changed default, a dropped trigger and a changed function body', async () => {
    const result = await diffWith(
      (text) =>
        without(without(text, 'CREATE INDEX users_email_idx'), 'CREATE TRIGGER users_touch')
          .replace("name text DEFAULT 'anon'::text", "name text DEFAULT 'nobody'::text")
          .replace('NEW.created_at := now();', 'NEW.created_at := clock_timestamp();'),
      'drifted.sql',
    );
    const byId = Object.fromEntries(result.differences.map((d) => [d.id, d]));
    expect(Object.keys(byId).sort()).toEqual(['table column public.users.name', 'function public.touch()', 'index public.users_email_idx', 'trigger users_touch on public.users'].sort());
    expect(byId['index public.users_email_idx']).toMatchObject({ change: 'missing', b: null });
    expect(byId['trigger users_touch on public.users']).toMatchObject({ change: 'missing' });
    expect(byId['table column public.users.name']!.b).toContain("'nobody'");
    expect(byId['function public.touch()']!.a).toContain('now()');
    expect(byId['function public.touch()']!.b).toContain('clock_timestamp()');
  });

  it('--against a live database: equal after the same migrations, then reports what production lost; reads only', async () => {
    const db = await live.createDatabase();
    try {
      const client = await db.connect();
      for (const step of STEPS) await client.query(step.sql);
      const same = await diffBaseline(undefined, { ...opts, baseline: path.join(p.root, 'edited.sql'), against: db.url });
      expect(same.differences).toEqual([]);
      expect(same.right).not.toContain(new URL(db.url).password);
      await client.query('DROP INDEX users_email_idx');
      const drifted = await diffBaseline(p.migrations, { ...opts, against: db.url });
      expect(drifted.differences.map((d) => [d.id, d.change])).toEqual([['index public.users_email_idx', 'missing']]);
      // The session diff reads through refuses writes.
      const { client: ro } = await openReadOnly(db.url);
      await expect(ro.query('CREATE TABLE t (x int)')).rejects.toThrow(/read-only transaction/);
      await ro.end();
      await client.end();
    } finally {
      await db.drop();
    }
  });

  it('--against with a wrong password fails without printing the password', async () => {
    const db = await live.createDatabase();
    try {
      const url = new URL(db.url);
      url.password = 'Sup3rSecretWrong';
      const error = await diffBaseline(undefined, { ...opts, baseline: path.join(p.root, 'edited.sql'), against: url.toString() }).then(() => new Error('no error'), (e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/cannot connect/);
      expect(error.message).not.toContain('Sup3rSecretWrong');
    } finally {
      await db.drop();
    }
  });
});

describe('diff on an in-place dbmate baseline', () => {
  it('reads only the up block, so the refusing down block never runs', async () => {
    const file = path.join(p.root, '20240101000004_baseline.sql');
    writeFileSync(file, `-- migrate:up\n${sql}\n-- migrate:down\nDO $$ BEGIN RAISE EXCEPTION 'down must not run'; END $$;\n`);
    const result = await diffBaseline(p.migrations, { ...opts, baseline: file });
    expect(result.differences).toEqual([]);
  });
});
