import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { EngineUnavailableError } from '../errors.js';
import type { PgBinaries } from './binaries.js';
import type { RunAs } from './cluster-files.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LINES_KEPT = 40;

/** A running postmaster we own: its log tail, and why it died if it died on its own. */
export interface Postmaster {
  readonly pid: number;
  readonly port: number;
  /** Set once the server has exited without being asked to (crash, OOM killer, kill -9). */
  readonly failure: EngineUnavailableError | undefined;
  logTail(lines?: number): string[];
  stop(): Promise<void>;
  /** For `process.exit` paths: ask for an immediate shutdown and do not wait. */
  stopSync(): void;
}

/** Starts postgres on a free loopback port, retrying a few ports when one is taken meanwhile. */
export async function startPostmaster(bins: PgBinaries, dataDir: string, socketDir: string, runAs: RunAs | undefined, onSpawn: (pid: number) => void): Promise<Postmaster> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startOnce(bins, dataDir, socketDir, port, runAs, onSpawn);
    } catch (error) {
      const portTaken = error instanceof EngineUnavailableError && error.details.some((l) => /could not (bind|create listen)/i.test(l));
      if (!portTaken || attempt >= 3) throw error;
    }
  }
}

function startOnce(bins: PgBinaries, dataDir: string, socketDir: string, port: number, runAs: RunAs | undefined, onSpawn: (pid: number) => void): Promise<Postmaster> {
  const args = [
    '-D', dataDir,
    '-k', socketDir,
    '-h', '127.0.0.1',
    '-p', String(port),
    // Throwaway data: nothing needs to survive a crash.
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'max_connections=40',
    '-c', 'max_locks_per_transaction=1024',
    '-c', 'logging_collector=off',
    '-c', 'lc_messages=C',
    '-c', 'autovacuum=off',
    // Segments live in the data dir, so they go with it even after a SIGKILL (posix ones would
    // stay in /dev/shm).
    '-c', 'dynamic_shared_memory_type=mmap',
  ];
  // detached: its own session, so Ctrl-C in a terminal reaches only us and we stop it in order.
  const child = spawn(path.join(bins.binDir, 'postgres'), args, {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  if (child.pid) onSpawn(child.pid);
  const realDataDir = realpathSync(dataDir);
  const lines: string[] = [];
  let partial = '';
  let ready = false;
  let stopping = false;
  let failure: EngineUnavailableError | undefined;
  const logTail = (n = 5) => [...lines, ...(partial ? [partial] : [])].slice(-n);

  return new Promise<Postmaster>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      killProcessesIn(realDataDir);
      reject(new EngineUnavailableError(`postgres did not become ready within ${START_TIMEOUT_MS / 1000} s`, logTail()));
    }, START_TIMEOUT_MS);
    timer.unref();
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > LOG_LINES_KEPT) lines.splice(0, lines.length - LOG_LINES_KEPT);
      if (!ready && parts.some((l) => l.includes('ready to accept connections'))) {
        ready = true;
        clearTimeout(timer);
        resolve(handle);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new EngineUnavailableError(`cannot start ${bins.binDir}/postgres: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!ready) {
        reject(new EngineUnavailableError(`postgres exited during start (${how})`, logTail()));
        return;
      }
      if (stopping) return;
      failure = new EngineUnavailableError(`the embedded Postgres server exited unexpectedly (${how})`, [
        ...logTail(),
        'Look for the OOM killer (dmesg) or a crash above; rerun to retry.',
      ]);
      // Backends of a dead postmaster may keep running a long query; end them so no client hangs.
      killProcessesIn(realDataDir);
      releaseSysvSegment(realDataDir);
    });

    const handle: Postmaster = {
      pid: child.pid ?? -1,
      port,
      get failure() {
        return failure;
      },
      logTail,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        stopping = true;
        const exited = new Promise<void>((done) => child.once('exit', () => done()));
        // Immediate shutdown: the data is thrown away, so there is nothing to checkpoint.
        child.kill('SIGQUIT');
        let timeout: NodeJS.Timeout | undefined;
        const timedOut = new Promise<boolean>((done) => {
          timeout = setTimeout(() => done(true), STOP_TIMEOUT_MS);
        });
        if (await Promise.race([exited.then(() => false), timedOut])) {
          child.kill('SIGKILL');
          await exited;
          killProcessesIn(realDataDir);
        }
        clearTimeout(timeout);
      },
      stopSync() {
        stopping = true;
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      },
    };
  });
}

/**
 * Backends each lead their own session (postgres calls setsid), so a dead postmaster's children
 * cannot be reached as a group; they all keep the data dir as working directory, though.
 * Linux only (/proc); elsewhere they exit when they next notice the postmaster is gone.
 */
function killProcessesIn(dataDir: string): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return;
  }
  for (const entry of entries) {
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dataDir || cwd === `${dataDir} (deleted)`) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // not ours, or gone meanwhile
    }
  }
}

/** A killed postmaster leaves its small SysV segment; postmaster.pid names it (line 7: key, id). */
function releaseSysvSegment(dataDir: string): void {
  try {
    const id = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[6]?.trim().split(/\s+/)[1];
    if (id && /^\d+$/.test(id)) execFile('ipcrm', ['-m', id], () => undefined);
  } catch {
    // no pid file: nothing to release
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
