/**
 * One pgsquash per directory: the lock under real concurrency (processes, not one process twice,
 * which test/archive covers), and two `pgsquash squash` runs in the same directory at once.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/paths.js';
import { cli, STACK_LINE, waitFor } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-hard-lock-'));
chmodSync(scratch, 0o755);
const engineTmp = path.join(scratch, 'tmp');
mkdirSync(engineTmp, { mode: 0o755 });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const holder = path.join(projectRoot, 'test/hardening/fixtures/lock-holder.ts');

/** A contender process; `ready` resolves once it waits for the go-file, `done` with its verdict. */
function contender(dir: string, goFile: string, holdMs: number): { ready: Promise<void>; done: Promise<string> } {
  let out = '';
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const done = new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', holder, dir, goFile, String(holdMs)], { cwd: projectRoot });
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('READY')) ready();
    });
    child.on('error', reject);
    child.on('close', () => {
      ready();
      resolve(out.replace('READY\n', '').trim());
    });
  });
  return { ready: readyP, done };
}

/** A lock file whose holder is gone: a pid that cannot exist on this host. */
function staleLock(dir: string): void {
  writeFileSync(path.join(dir, '.pgsquash.lock'), JSON.stringify({ pid: 2 ** 22 + 11, host: os.hostname(), startedAt: 'earlier', command: 'squash' }));
}

describe('directory lock across processes', () => {
  it.each([
    ['a free directory', false],
    ['a stale lock every contender wants to take over', true],
  ])('with %s, 8 racing processes never hold the lock at the same time; the refused name a holder', async (_label, stale) => {
    const dir = mkdtempSync(path.join(scratch, 'race-'));
    if (stale) staleLock(dir);
    const go = path.join(dir, 'go');
    const runs = Array.from({ length: 8 }, () => contender(dir, go, 1000));
    // Let every contender start (tsx takes a while), then release them at once.
    await Promise.all(runs.map((r) => r.ready));
    writeFileSync(go, '');
    const results = await Promise.all(runs.map((r) => r.done));
    const held = results.filter((r) => r.startsWith('ACQUIRED')).map((r) => r.split(' ').slice(1).map(Number) as [number, number, number]);
    expect(held.length, results.join('\n')).toBeGreaterThanOrEqual(1);
    held.sort((a, b) => a[1] - b[1]);
    for (let k = 1; k < held.length; k++) expect(held[k]![1], `two holders at once:\n${results.join('\n')}`).toBeGreaterThanOrEqual(held[k - 1]![2]);
    const holders = held.map(([pid]) => String(pid));
    for (const r of results.filter((x) => !x.startsWith('ACQUIRED'))) {
      expect(r).toMatch(/^REFUSED another pgsquash \(race, pid (\d+)\b/);
      expect(holders).toContain(/pid (\d+)/.exec(r)![1]);
    }
    expect(readdirSync(dir).filter((e) => e.startsWith('.pgsquash.lock')), 'lock or temp files left').toEqual([]);
  });
});

describe('two squash runs in one directory', () => {
  it('the second refuses with the first one named and changes nothing; the first is undisturbed', async () => {
    const project = mkdtempSync(path.join(scratch, 'squash-'));
    chmodSync(project, 0o755);
    const migrations = path.join(project, 'migrations');
    mkdirSync(migrations);
    writeFileSync(path.join(migrations, '001_a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);\n');
    // Slow enough that the second run starts while the first holds the lock.
    writeFileSync(path.join(migrations, '002_b.sql'), 'CREATE TABLE b (id int);\nSELECT pg_sleep(4);\n');
    const env = { TMPDIR: engineTmp };
    const first = cli(['squash', 'migrations'], { cwd: project, env });
    const lockFile = path.join(migrations, '.pgsquash.lock');
    expect(await waitFor(() => existsSync(lockFile), 60_000)).toBe(true);
    const holderPid = (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid;
    const second = await cli(['squash', 'migrations', '-o', 'other/baseline.sql', '--legacy-dir', 'other-legacy'], { cwd: project, env });
    expect(second.code, second.all).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`another pgsquash \\(squash, pid ${holderPid}, since .*\\) is working in`));
    expect(second.all).not.toMatch(STACK_LINE);
    expect(existsSync(path.join(project, 'other'))).toBe(false);
    expect(existsSync(path.join(project, 'other-legacy'))).toBe(false);
    // The first run is undisturbed (whether its squash succeeds is the squash tests' business).
    const done = await first;
    expect(done.all).not.toMatch(/another pgsquash/);
    expect(existsSync(lockFile), 'the first run kept its lock').toBe(false);
  });

  it('a stale lock (holder gone) does not block squash, and is gone afterwards', async () => {
    const project = mkdtempSync(path.join(scratch, 'stale-'));
    chmodSync(project, 0o755);
    const migrations = path.join(project, 'migrations');
    mkdirSync(migrations);
    writeFileSync(path.join(migrations, '001_a.sql'), 'CREATE TABLE a (id int);\n');
    staleLock(migrations);
    const run = await cli(['squash', 'migrations'], { cwd: project, env: { TMPDIR: engineTmp } });
    expect(run.all).not.toMatch(/another pgsquash|cannot take the lock/);
    expect(run.all).toMatch(/embedded Postgres/);
    expect(readdirSync(migrations).filter((e) => e.startsWith('.pgsquash.lock'))).toEqual([]);
  });
});
