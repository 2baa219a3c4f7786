/**
 * The whole CLI interrupted mid-replay: Ctrl-C, a SIGTERM from a supervisor, and the Postgres
 * server dying under it. The engine tests prove the engine alone cleans up; here the command must
 * also exit with a clear message and code, and leave no cluster, process, temp dir or half-written
 * output behind.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, pgsquashTempDirs, processesIn, processesMatching, STACK_LINE, waitFor, type Run } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-hard-int-'));
chmodSync(scratch, 0o755);
const engineTmp = path.join(scratch, 'tmp');
mkdirSync(engineTmp, { mode: 0o755 });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const migrations = path.join(scratch, 'migrations');
mkdirSync(migrations);
writeFileSync(path.join(migrations, '001_a.sql'), 'CREATE TABLE a (id int);\n');
// A DO block, so the backend's process title (its command tag) tells this statement from others.
writeFileSync(path.join(migrations, '002_slow.sql'), 'INSERT INTO a VALUES (1);\nDO $$ BEGIN PERFORM pg_sleep(30); END $$;\n');
writeFileSync(path.join(migrations, '003_b.sql'), 'CREATE TABLE b (id int);\n');

/** The backend running the migration's pg_sleep, found by its process title and working dir. */
function sleepingBackend(): number | undefined {
  const inTmp = new Set(processesIn(engineTmp));
  return processesMatching('postgres:').find((p) => inTmp.has(p.pid) && /\bDO$/.test(p.cmd))?.pid;
}

/** The postmaster of the cluster under our TMPDIR. */
function postmaster(): number | undefined {
  const inTmp = new Set(processesIn(engineTmp));
  return processesMatching(' -D ').find((p) => inTmp.has(p.pid) && /\/postgres -D /.test(p.cmd))?.pid;
}

/**
 * Starts `args`, waits until the migration sits in pg_sleep, calls `strike`, and returns the run.
 * Afterwards nothing of the cluster may remain: no process working in the temp dir, no watchdog,
 * no cluster directory.
 */
async function interruptMidReplay(args: string[], strike: (cliPid: number) => void): Promise<Run> {
  let pid = 0;
  const running = cli(args, { cwd: scratch, env: { TMPDIR: engineTmp }, onSpawn: (child) => (pid = child.pid ?? 0) });
  const reached = await waitFor(() => sleepingBackend() !== undefined, 60_000, 100);
  expect(reached, 'the replay never reached pg_sleep').toBe(true);
  strike(pid);
  const run = await running;
  // the watchdog (a shell naming the temp dir) exits a moment after pgsquash dismisses it: wait for it too
  await waitFor(() => processesIn(engineTmp).length === 0 && processesMatching(engineTmp).length === 0 && pgsquashTempDirs(engineTmp).length === 0, 10_000);
  expect(processesIn(engineTmp), 'processes still working in the temp dir').toEqual([]);
  expect(processesMatching(engineTmp), 'processes (watchdog, postgres) still naming the temp dir').toEqual([]);
  expect(pgsquashTempDirs(engineTmp), 'cluster dirs left behind').toEqual([]);
  expect(run.all).not.toMatch(STACK_LINE);
  return run;
}

/** No output file, and no temp file of an atomic write, beside where the baseline would go. */
function expectNoOutput(dir: string): void {
  expect(existsSync(dir) ? readdirSync(dir) : [], `left in ${dir}`).toEqual([]);
}

describe('interrupting the CLI mid-replay', () => {
  it('SIGINT (Ctrl-C) during baseline: exit 130, says so, nothing left, no output written', async () => {
    const out = path.join(scratch, 'out-int');
    const run = await interruptMidReplay(['baseline', 'migrations', '-o', path.join(out, 'baseline.sql')], (pid) => process.kill(pid, 'SIGINT'));
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/pgsquash: SIGINT received, cleaning up/);
    // The interrupted query's own failure is not a second error for the user to puzzle over.
    expect(run.stderr.match(/^pgsquash: /gm)).toHaveLength(1);
    expectNoOutput(out);
  });

  it('SIGTERM during replay: exit 143, says so, nothing left', async () => {
    const run = await interruptMidReplay(['replay', 'migrations'], (pid) => process.kill(pid, 'SIGTERM'));
    expect(run.code).toBe(143);
    expect(run.stderr).toMatch(/pgsquash: SIGTERM received, cleaning up/);
    expect(run.stderr.match(/^pgsquash: /gm)).toHaveLength(1);
  });

  it('the postmaster killed -9 mid-statement: exit 4 naming the file and the crash, nothing left, no output', async () => {
    const out = path.join(scratch, 'out-crash');
    const run = await interruptMidReplay(['baseline', 'migrations', '-o', path.join(out, 'baseline.sql')], () => {
      const pm = postmaster();
      expect(pm, 'postmaster not found').toBeDefined();
      process.kill(pm!, 'SIGKILL');
    });
    expect(run.code).toBe(4);
    expect(run.stderr, run.stderr).toMatch(/002_slow\.sql/);
    expect(run.stderr).toMatch(/lost the connection to the server|exited unexpectedly/);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expectNoOutput(out);
  });

  it('a backend killed -9 (the server restarts all sessions): exit 4, nothing left', async () => {
    const run = await interruptMidReplay(['replay', 'migrations'], () => process.kill(sleepingBackend()!, 'SIGKILL'));
    expect(run.code).toBe(4);
    expect(run.stderr, run.stderr).toMatch(/002_slow\.sql/);
    expect(readFileSync(path.join(migrations, '003_b.sql'), 'utf8')).toBe('CREATE TABLE b (id int);\n');
  });
});
