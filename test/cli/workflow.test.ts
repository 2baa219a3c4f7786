import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject, writeLayout } from '../workflow/helpers.js';
import { runCli } from './run-cli.js';

const projects: ReturnType<typeof tempProject>[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
});
const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });

describe('pgsquash squash / diff / check (CLI)', () => {
  it('squash in a git work tree stages the move as R100 renames and prints the status', async () => {
    const p = tempProject();
    projects.push(p);
    writeLayout(p.migrations, 'golang-migrate');
    git(p.root, 'init', '-q');
    git(p.root, 'add', '.');
    git(p.root, 'commit', '-qm', 'history');
    const r = await runCli(['squash', 'migrations', '--engine', 'embedded', '--preset', 'none'], { cwd: p.root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/moved 8 file\(s\) into legacy/);
    expect(r.stdout).toMatch(/git \(staged as renames\):\n {2}R {2}migrations\/000001_users.down.sql -> legacy\/000001_users.down.sql/);
    const staged = git(p.root, 'diff', '--cached', '--name-status', '-M').stdout.trim().split('\n').sort();
    expect(staged).toHaveLength(8);
    for (const line of staged) expect(line).toMatch(/^R100\tmigrations\/(\S+)\tlegacy\/\1$/);
  });

  it('diff prints a unified diff per object and exits 1; --json lists both definitions; check names the changed file', async () => {
    const p = tempProject();
    projects.push(p);
    writeLayout(p.migrations, 'numbered');
    const squashed = await runCli(['squash', 'migrations', '--engine', 'embedded', '--preset', 'none'], { cwd: p.root });
    expect(squashed.code, squashed.stderr).toBe(0);
    const baseline = path.join(p.root, 'output/baseline.sql');
    writeFileSync(baseline, readFileSync(baseline, 'utf8').replace("DEFAULT 'anon'::text", "DEFAULT 'nobody'::text"));

    const diff = await runCli(['diff', 'legacy', '--baseline', 'output/baseline.sql', '--engine', 'embedded', '--preset', 'none'], { cwd: p.root });
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('# table column public.users.name (differs in default)');
    expect(diff.stdout).toMatch(/^-ALTER TABLE public\.users ADD COLUMN name text DEFAULT 'anon'::text;$/m);
    expect(diff.stdout).toMatch(/^\+ALTER TABLE public\.users ADD COLUMN name text DEFAULT 'nobody'::text;$/m);
    expect(diff.stdout).not.toContain('\x1b[');

    const json = await runCli(['diff', 'legacy', '--baseline', 'output/baseline.sql', '--engine', 'embedded', '--preset', 'none', '--json'], { cwd: p.root });
    expect(json.code).toBe(1);
    // One JSON document: the error, naming each differing object (error.data carries both
    // definitions once the CLI's error printer passes `data` through; see the report).
    const doc = JSON.parse(json.stdout) as { error: { type: string; exitCode: number; details: string[] } };
    expect(doc.error).toMatchObject({ type: 'DifferencesFound', exitCode: 1, details: ['table column public.users.name: changed'] });

    writeFileSync(path.join(p.root, 'legacy/002_touch.sql'), '-- edited\n' + readFileSync(path.join(p.root, 'legacy/002_touch.sql'), 'utf8'));
    const check = await runCli(['check'], { cwd: p.root });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('changed since the move: 002_touch.sql');
    expect(check.stderr).toMatch(/stale; run pgsquash regenerate/);
  });
});
