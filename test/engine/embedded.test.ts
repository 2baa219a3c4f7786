import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundledBinDir, systemMajors } from '../../src/engine/binaries.js';
import { startEmbedded, type EmbeddedEngine } from '../../src/engine/embedded.js';
import { createEngine, describeEngine } from '../../src/engine/index.js';
import { EngineUnavailableError, ExitCode } from '../../src/errors.js';
import { havePg15, PG15_BIN } from '../helpers/paths.js';
import { processAlive, processesIn, processUid, waitFor } from './helpers.js';

const asRoot = process.getuid?.() === 0;

/** A folder the unprivileged postgres user may enter (mkdtemp makes 0700 ones). */
function openTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join('/tmp', prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Runs `fn` with TMPDIR pointing at a private folder, so leftovers of this test alone can be counted. */
async function withPrivateTmp<T>(fn: (base: string) => Promise<T>): Promise<T> {
  const base = openTempDir('pgsquash-test-base-');
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = base;
  try {
    return await fn(base);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** Entries left in a private TMPDIR besides the (empty of staging dirs) initdb cache. */
function leftovers(base: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(base)) {
    if (!entry.startsWith('pgsquash-initdb-cache-')) out.push(entry);
    else out.push(...readdirSync(path.join(base, entry)).filter((e) => e.includes('.tmp-')).map((e) => `${entry}/${e}`));
  }
  return out;
}

/** A binary folder whose `postgres --version` is real but whose `initdb` or `postgres` is replaced by a failing script. */
function fakeBinDir(replace: 'initdb' | 'postgres', script: string): string {
  const real = bundledBinDir()!;
  const dir = openTempDir('pgsquash-fake-bin-');
  for (const tool of ['initdb', 'postgres', 'pg_ctl']) {
    if (tool === replace) {
      writeFileSync(path.join(dir, tool), `#!/bin/sh\n[ "$1" = --version ] && exec ${real}/${tool} --version\n${script}\n`, { mode: 0o755 });
    } else {
      symlinkSync(path.join(real, tool), path.join(dir, tool));
    }
  }
  return dir;
}

describe('embedded engine', () => {
  let engine: EmbeddedEngine;
  beforeAll(async () => {
    engine = await startEmbedded({ kind: 'embedded' });
  });
  afterAll(async () => {
    await engine?.close();
  });

  test('bootstraps another superuser when asked (for histories that demote postgres)', async () => {
    const other = await startEmbedded({ kind: 'embedded', superuser: 'supabase_admin' });
    try {
      const client = await (await other.createDatabase('probe')).connect();
      try {
        const { rows } = await client.query(
          `SELECT current_user AS usr, (SELECT rolsuper FROM pg_roles WHERE oid = 10) AS bootstrap, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postgres') AS has_postgres`,
        );
        expect(rows[0]).toEqual({ usr: 'supabase_admin', bootstrap: true, has_postgres: false });
      } finally {
        await client.end();
      }
      expect(other.superuser).toBe('supabase_admin');
    } finally {
      await other.close();
    }
    // the default engine's own template is untouched
    expect(engine.superuser).toBe('postgres');
    await expect(createEngine({ kind: 'pglite', superuser: 'x' })).rejects.toThrow(/--superuser is for the embedded and docker engines/);
  });

  test('serves fresh databases over loopback TCP with a password', async () => {
    const db = await engine.createDatabase('probe');
    const client = await db.connect();
    try {
      const { rows } = await client.query<{ db: string; usr: string; addr: string }>(
        'SELECT current_database() AS db, current_user AS usr, inet_server_addr()::text AS addr',
      );
      expect(rows[0]).toEqual({ db: db.name, usr: 'postgres', addr: '127.0.0.1/32' });
    } finally {
      await client.end();
    }
    expect(engine.major).toBe(17);
    expect(engine.serverVersion).toMatch(/^17\.\d+/);
    const password = String(db.config.password);
    expect(password.length).toBeGreaterThan(16);
    expect(db.safeUrl).not.toContain(password);
    expect(db.url).toContain(encodeURIComponent(password));
    expect(describeEngine(engine)).toMatch(/^embedded engine, Postgres 17\.\d+ at 127\.0\.0\.1:\d+ \(bundled binaries/);
    expect(describeEngine(engine)).not.toContain(password);
    // A wrong password is refused: TCP is not trusted.
    const wrong = await db.connect({ password: 'not-the-password' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(EngineUnavailableError);
    expect(String((wrong as Error).message)).toMatch(/password authentication failed/);
  });

  test.runIf(asRoot)('runs Postgres as an unprivileged user when we are root, in a data dir it owns', async () => {
    const uid = processUid(engine.postmasterPid);
    expect(uid).not.toBe(0);
    const data = statSync(path.join(engine.tempDir, 'data'));
    expect(data.uid).toBe(uid);
    expect(data.mode & 0o777).toBe(0o700);
    const db = await engine.createDatabase();
    const client = await db.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(processUid(rows[0]!.pid)).toBe(uid);
    } finally {
      await client.end();
    }
  });

  test('two engines run at once, each with its own cluster', async () => {
    const [a, b] = await Promise.all([createEngine({ kind: 'embedded' }), createEngine({ kind: 'embedded' })]);
    const [ea, eb] = [a as EmbeddedEngine, b as EmbeddedEngine];
    try {
      expect(ea.tempDir).not.toBe(eb.tempDir);
      expect(ea.postmasterPid).not.toBe(eb.postmasterPid);
      const [da, db] = await Promise.all([a.createDatabase(), b.createDatabase()]);
      const [ca, cb] = await Promise.all([da.connect(), db.connect()]);
      await ca.query('CREATE TABLE only_in_a (x int)');
      const seen = await cb.query(`SELECT to_regclass('only_in_a') AS t`);
      expect(seen.rows[0].t).toBeNull();
      await Promise.all([ca.end(), cb.end()]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    for (const e of [ea, eb]) {
      expect(existsSync(e.tempDir)).toBe(false);
      expect(processAlive(e.postmasterPid)).toBe(false);
    }
    await waitFor('both watchdogs to exit', () => !processAlive(ea.watchdogPid!) && !processAlive(eb.watchdogPid!));
  });

  test('close() stops the server, removes the temp dir and dismisses the watchdog', async () => {
    const own = await startEmbedded({ kind: 'embedded' });
    const db = await own.createDatabase();
    const client = await db.connect();
    await client.end();
    await own.close();
    expect(existsSync(own.tempDir)).toBe(false);
    expect(processesIn(path.join(own.tempDir, 'data'))).toEqual([]);
    await waitFor('the watchdog to exit', () => !processAlive(own.watchdogPid!));
    await expect(own.createDatabase()).rejects.toThrow(/closed/);
  });

  test('a server crash mid-query surfaces as an engine error instead of a hang', async () => {
    const own = await startEmbedded({ kind: 'embedded' });
    try {
      const db = await own.createDatabase();
      const client = await db.connect();
      // CPU-bound: the backend never checks for postmaster death on its own.
      const running = client.query('SELECT count(*) FROM generate_series(1, 10000000000)');
      const outcome = running.then(
        () => 'finished',
        (error: Error) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      process.kill(own.postmasterPid, 'SIGKILL');
      const error = await outcome;
      expect(error).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(5_000);
      await waitFor('the engine to notice', () => own.failure?.() !== undefined);
      const failure = own.failure!()!;
      expect(failure).toBeInstanceOf(EngineUnavailableError);
      expect(failure.message).toMatch(/exited unexpectedly \(signal SIGKILL\)/);
      await expect(db.connect()).rejects.toBe(failure);
      await expect(own.createDatabase()).rejects.toBe(failure);
      expect(processesIn(path.join(own.tempDir, 'data'))).toEqual([]);
    } finally {
      await own.close();
    }
    expect(existsSync(own.tempDir)).toBe(false);
  });

  test.runIf(havePg15)('--pg-bin selects another install (Postgres 15)', async () => {
    const pg15 = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
    try {
      expect(pg15.major).toBe(15);
      expect(pg15.binDir).toBe(PG15_BIN);
      const db = await pg15.createDatabase();
      const client = await db.connect();
      const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
      expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(150000);
      expect(Number(rows[0]!.v)).toBeLessThan(160000);
      await client.end();
    } finally {
      await pg15.close();
    }
  });

  test('an uninstalled --pg-version is an exit-4 error listing the installed majors', async () => {
    const error = await createEngine({ kind: 'embedded', pgVersion: 11 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as EngineUnavailableError).exitCode).toBe(ExitCode.engineUnavailable);
    expect((error as Error).message).toBe('Postgres 11 is not installed here');
    const installed = [...(bundledBinDir() ? ['17 (bundled)'] : []), ...[...systemMajors().keys()].sort((a, b) => a - b).map(String)];
    expect((error as EngineUnavailableError).details[0]).toBe(`Installed majors: ${installed.join(', ')}.`);
  });

  test('a --pg-bin without Postgres binaries is an exit-4 error naming the missing file', async () => {
    const empty = openTempDir('pgsquash-empty-bin-');
    try {
      const error = await createEngine({ kind: 'embedded', pgBin: empty }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineUnavailableError);
      expect((error as EngineUnavailableError).exitCode).toBe(4);
      expect((error as Error).message).toBe(`${path.join(empty, 'postgres')} not found`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('initdb failing is an exit-4 error with its output, and leaves no temp or staging dir', async () => {
    const bin = fakeBinDir('initdb', 'echo "initdb: error: simulated initdb failure" >&2; exit 1');
    try {
      await withPrivateTmp(async (base) => {
        const error = await startEmbedded({ kind: 'embedded', pgBin: bin }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EngineUnavailableError);
        expect((error as Error).message).toBe(`initdb failed (${bin}/initdb)`);
        expect((error as EngineUnavailableError).details).toContain('initdb: error: simulated initdb failure');
        expect(leftovers(base)).toEqual([]);
        rmSync(base, { recursive: true, force: true });
      });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('postgres exiting at start is an exit-4 error with the last log lines, and leaves nothing', async () => {
    const bin = fakeBinDir('postgres', 'echo "FATAL:  simulated start failure" >&2; exit 1');
    try {
      await withPrivateTmp(async (base) => {
        const error = await startEmbedded({ kind: 'embedded', pgBin: bin }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EngineUnavailableError);
        expect((error as Error).message).toBe('postgres exited during start (code 1)');
        expect((error as EngineUnavailableError).details).toContain('FATAL:  simulated start failure');
        await waitFor('the temp dir to go', () => leftovers(base).length === 0);
        rmSync(base, { recursive: true, force: true });
      });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('stale initdb staging dirs of dead processes are removed; live ones are kept', async () => {
    await withPrivateTmp(async (base) => {
      const cache = path.join(base, `pgsquash-initdb-cache-${process.getuid?.() ?? 0}`);
      const stale = path.join(cache, `17-0123456789abcdef.tmp-${2 ** 22 + 1}-deadbeef`);
      const live = path.join(cache, `17-0123456789abcdef.tmp-${process.ppid}-cafebabe`);
      for (const dir of [stale, live]) mkdirSync(dir, { recursive: true });
      chmodSync(cache, 0o755);
      const own = await startEmbedded({ kind: 'embedded' });
      await own.close();
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      rmSync(base, { recursive: true, force: true });
    });
  });
});

test('clusters live in /dev/shm when it has 4 GiB free and TMPDIR is unset, else in the OS temp dir', async () => {
  const engine = (await createEngine({ kind: 'embedded' })) as EmbeddedEngine;
  try {
    const shm = existsSync('/dev/shm') ? statfsSync('/dev/shm') : undefined;
    const roomy = shm !== undefined && shm.bavail * shm.bsize >= 4 * 1024 ** 3;
    const expected = !process.env.TMPDIR && roomy ? '/dev/shm' : os.tmpdir();
    expect(path.dirname(engine.tempDir)).toBe(expected);
  } finally {
    await engine.close();
  }
});

test.runIf(asRoot)('a TMPDIR the postgres user cannot enter is passed over for one it can', async () => {
  const closed = mkdtempSync(path.join('/tmp', 'pgsquash-closed-'));
  chmodSync(closed, 0o700);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = closed;
  try {
    const engine = (await createEngine({ kind: 'embedded' })) as EmbeddedEngine;
    try {
      expect(engine.tempDir.startsWith(`${closed}/`)).toBe(false);
      expect(path.dirname(engine.tempDir)).toBe('/tmp');
    } finally {
      await engine.close();
    }
    expect(readdirSync(closed)).toEqual([]);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(closed, { recursive: true, force: true });
  }
});
