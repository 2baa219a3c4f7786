import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const example = 'examples/saas/migrations';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function migrations(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, sql] of Object.entries(files)) writeFileSync(path.join(dir, file), sql);
  return dir;
}

describe('pgsquash plan / replay (CLI)', () => {
  it('plan lists the bundled example in order and warns about the duplicate 007', async () => {
    const r = await runCli(['plan', example]);
    expect(r.code).toBe(0);
    expect(r.stdout.indexOf('007_enterprise_tier.sql')).toBeLessThan(r.stdout.indexOf('007_users_updated_at.sql'));
    expect(r.stdout).toMatch(/duplicate-version/);
    const json = await runCli(['plan', example, '--json']);
    const plan = JSON.parse(json.stdout) as { format: string; migrations: { path: string; sql?: string }[] };
    expect(plan.format).toBe('numbered');
    expect(plan.migrations).toHaveLength(17);
    expect(plan.migrations[0]).not.toHaveProperty('sql');
  });

  it('replays the bundled example and shows the captured notice with its location', async () => {
    const r = await runCli(['replay', example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/replayed 17 migrations/);
    expect(r.stderr).toContain('015_users_if_not_exists.sql:2:1: NOTICE: relation "users" already exists, skipping');
  });

  it('a failing migration exits 3 with file:line:column, the message and a caret under the token', async () => {
    const dir = migrations('failing', {
      '001_ok.sql': 'CREATE TABLE accounts (id int);\n',
      '002_x.sql': "-- tenants come later\nCREATE TABLE t (id int);\n\nINSERT INTO t SELECT 1 FROM   tenants;\n",
    });
    const r = await runCli(['replay', dir, '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/002_x\.sql:4:31: ERROR 42P01: relation "tenants" does not exist/);
    const lines = r.stderr.split('\n');
    const source = lines.findIndex((l) => l.includes('INSERT INTO t SELECT 1 FROM   tenants;'));
    expect(source).toBeGreaterThan(-1);
    const caretLine = lines[source + 1]!;
    const sourceLine = lines[source]!;
    expect(sourceLine.slice(caretLine.indexOf('^'))).toMatch(/^tenants/);
  });

  it('bad input exits 2 without a stack trace; a missing Postgres major exits 4', async () => {
    const missing = await runCli(['replay', path.join(tmp, 'does-not-exist')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const major = await runCli(['replay', example, '--engine', 'embedded', '--pg-version', '11']);
    expect(major.code).toBe(4);
    expect(major.stderr).toMatch(/Postgres 11 is not installed/);
    const usage = await runCli(['replay', example, '--set', 'nonsense']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--set nonsense: expected NAME=VALUE/);
  });

  it('--json replay output is one parseable document with per-file results', async () => {
    const r = await runCli(['replay', example, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { result: { files: { path: string; notices: unknown[] }[] } };
    expect(doc.result.files).toHaveLength(17);
    expect(doc.result.files.find((f) => f.path === '015_users_if_not_exists.sql')!.notices).toHaveLength(1);
  });
});
