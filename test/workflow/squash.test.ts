import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/archive/index.js';
import { discover } from '../../src/discover/index.js';
import type { MigrationFormat } from '../../src/discover/types.js';
import { DriftError, InputError } from '../../src/errors.js';
import { squash, type SquashResult } from '../../src/workflow/squash.js';
import { LAYOUTS, tempProject, tree, versionOf, writeLayout } from './helpers.js';

const projects: ReturnType<typeof tempProject>[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});
function project() {
  const p = tempProject();
  projects.push(p);
  return p;
}
const base = (p: ReturnType<typeof tempProject>) => ({ legacyDir: p.legacy, output: p.output, engine: 'embedded' as const, preset: 'none' });

describe('squash, end to end per layout', () => {
  it.each(LAYOUTS)('%s: writes the verified baseline and moves every file, byte for byte, into legacy/', async (format) => {
    const p = project();
    writeLayout(p.migrations, format);
    const before = tree(p.migrations);
    const result = (await squash(p.migrations, base(p))) as SquashResult;
    expect(result.kind).toBe('squashed');
    expect(readFileSync(p.output, 'utf8')).toMatch(/^-- pgsquash .* baseline for PostgreSQL \d+\n-- Replaces 4 migration files/);
    const moved = tree(p.legacy);
    delete moved['pgsquash-manifest.json'];
    const stayed = tree(p.migrations);
    // Every original is in exactly one place with its bytes; only Prisma's lock file stays.
    expect({ ...moved, ...stayed }).toEqual(before);
    expect(Object.keys(stayed)).toEqual(format === 'prisma' ? ['migration_lock.toml'] : []);
    const manifest = await readManifest(p.legacy);
    expect(manifest.moves.map((m) => [m.state, m.context?.format])).toEqual([['done', format]]);
  });
});

const marking: Record<MigrationFormat, RegExp> = {
  numbered: /DELETE FROM migrations WHERE id IN \(1, 2, 3\);\nINSERT INTO migrations \(id, name, hash\) VALUES \(1, 'baseline', '[0-9a-f]{40}'\);/,
  timestamp: /supabase migration repair --status reverted 20240101000001 20240101000002\n/,
  'golang-migrate': /force 3`/,
  dbmate: /INSERT INTO schema_migrations \(version\) VALUES \('20240101000003'\) ON CONFLICT \(version\) DO NOTHING;/,
  flyway: /ignoreMigrationPatterns = \["\*:missing"\][\s\S]*-baselineVersion=3 baseline/,
  prisma: /npx prisma migrate resolve --applied 0_init\n/,
  diesel: /INSERT INTO __diesel_schema_migrations \(version\) VALUES \('20240101000003'\)/,
};
const inPlaceName: Record<MigrationFormat, string> = {
  numbered: '001_baseline.sql',
  timestamp: '20240101000003_baseline.sql',
  'golang-migrate': '000003_baseline.up.sql',
  dbmate: '20240101000003_baseline.sql',
  flyway: 'B3__baseline.sql',
  prisma: '0_init/migration.sql',
  diesel: '2024-01-01-000003_baseline/up.sql',
};

describe('squash --in-place --until', () => {
  it.each(LAYOUTS)('%s: the framework-named baseline runs first, the later file stays after it', async (format) => {
    const p = project();
    writeLayout(p.migrations, format);
    const until = versionOf(format, 2);
    const result = (await squash(p.migrations, { ...base(p), until, inPlace: true })) as SquashResult;
    expect(result.squashed).toHaveLength(3);
    expect(result.remaining).toHaveLength(1);
    expect(result.inPlace?.plan.runs).toBe(inPlaceName[format]);
    expect(result.inPlace?.check).toBeTruthy();
    expect(existsSync(p.output)).toBe(false);
    const notes = readFileSync(path.join(path.dirname(p.output), 'MARK-APPLIED.md'), 'utf8');
    expect(notes).toMatch(marking[format]);
    expect(readFileSync(path.join(p.migrations, inPlaceName[format]), 'utf8')).toContain('CREATE TRIGGER users_touch');
    const set = await discover(p.migrations, { format });
    expect(set.migrations.map((m) => m.path)).toEqual([inPlaceName[format], result.remaining[0]!.path]);
    expect(set.migrations[0]!.sql).toContain('CREATE TABLE public.users');
  });
});

describe('squash safety', () => {
  it('a baseline that fails verification leaves every file in place and writes nothing', async () => {
    const p = project();
    writeLayout(p.migrations, 'numbered');
    const before = tree(p.migrations);
    const error = await squash(p.migrations, { ...base(p), editBaseline: (sql) => `${sql}\nDROP INDEX public.users_email_idx;\n` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftError);
    expect((error as DriftError).details.join('\n')).toMatch(/index public\.users_email_idx.*missing from the baseline/);
    expect(tree(p.migrations)).toEqual(before);
    expect(existsSync(p.output)).toBe(false);
    expect(Object.keys(tree(p.legacy))).toEqual([]);
  });

  it('--until: the later file stays in place and is proven to apply on top of the baseline', async () => {
    const p = project();
    writeLayout(p.migrations, 'numbered');
    writeFileSync(path.join(p.migrations, '005_more.sql'), "INSERT INTO users (email) VALUES ('second@example.com');\nALTER TABLE posts ADD COLUMN title text;\n");
    const result = (await squash(p.migrations, { ...base(p), until: '004' })) as SquashResult;
    expect(result.remaining.map((m) => m.path)).toEqual(['005_more.sql']);
    expect(Object.keys(tree(p.migrations))).toEqual(['005_more.sql']);
    expect(Object.keys(tree(p.legacy)).sort()).toEqual(['001_users.sql', '002_touch.sql', '003_names.sql', '004_posts.sql', 'pgsquash-manifest.json']);
  });

  it('--until: a later file that cannot apply on top of the baseline stops the squash; nothing moves', async () => {
    const p = project();
    writeLayout(p.migrations, 'numbered');
    // The later file relies on the seeded row, which a --schema-only baseline leaves out.
    writeFileSync(path.join(p.migrations, '005_check.sql'), "DO $$ BEGIN IF (SELECT count(*) FROM users) <> 1 THEN RAISE EXCEPTION 'expected the seeded user'; END IF; END $$;\n");
    const before = tree(p.migrations);
    const error = await squash(p.migrations, { ...base(p), until: '004', schemaOnly: true }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/expected the seeded user|005_check/);
    expect(tree(p.migrations)).toEqual(before);
    expect(existsSync(p.output)).toBe(false);
  });

  it('--dry-run verifies and lists the moves but writes and moves nothing', async () => {
    const p = project();
    writeLayout(p.migrations, 'golang-migrate');
    const before = tree(p.migrations);
    const result = (await squash(p.migrations, { ...base(p), dryRun: true })) as SquashResult;
    expect(result.moves.map((m) => path.basename(m.from))).toContain('000001_users.down.sql');
    expect(result.moves).toHaveLength(8);
    expect(tree(p.migrations)).toEqual(before);
    expect(existsSync(p.output)).toBe(false);
    expect(existsSync(p.legacy)).toBe(false);
  });

  it('refuses to overwrite a different file in legacy/, before any server starts', async () => {
    const p = project();
    writeLayout(p.migrations, 'numbered');
    mkdirSync(p.legacy);
    writeFileSync(path.join(p.legacy, '002_touch.sql'), 'SELECT 1;\n');
    const before = tree(p.migrations);
    await expect(squash(p.migrations, base(p))).rejects.toThrow(/refusing to overwrite/);
    expect(tree(p.migrations)).toEqual(before);
    expect(existsSync(p.output)).toBe(false);
  });

  it('--until with an unknown version is an input error naming the versions', async () => {
    const p = project();
    writeLayout(p.migrations, 'numbered');
    const error = await squash(p.migrations, { ...base(p), until: '042' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).details.join('')).toContain('001, 002, 003, 004');
  });
});
