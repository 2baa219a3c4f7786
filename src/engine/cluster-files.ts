import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, chown, lstat, mkdir, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineUnavailableError } from '../errors.js';
import type { PgBinaries } from './binaries.js';
import { pidAlive } from '../util/process.js';

const run = promisify(execFile);
/** The bootstrap superuser of embedded and docker engines, unless one asks for another name. */
export const SUPERUSER = 'postgres';
const COMPLETE_MARK = '.pgsquash-complete';
/** A staging dir older than this is abandoned even if its pid was recycled by another process. */
const STALE_STAGING_MS = 60 * 60 * 1000;
const SHM_DIR = '/dev/shm';
/** Clusters live in memory there; demand room for large replays (a container's 64 MB default is not). */
const SHM_MIN_FREE_BYTES = 4 * 1024 ** 3;

/** The account Postgres runs as when we are root (it refuses to run as root). */
export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

let runAsLookup: Promise<RunAs | undefined> | undefined;

export function unprivilegedUser(): Promise<RunAs | undefined> {
  runAsLookup ??= lookupUnprivilegedUser();
  return runAsLookup;
}

async function lookupUnprivilegedUser(): Promise<RunAs | undefined> {
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

/**
 * The folder that holds cluster temp dirs and the initdb cache. Without an explicit TMPDIR, a
 * roomy /dev/shm is preferred: copying the template there takes ~50 ms against 60-600 ms on a
 * virtual disk. When we run Postgres as another user, every parent of the folder must be
 * traversable by that user (a TMPDIR under /root is not).
 */
export async function clusterBaseDir(runAs: RunAs | undefined): Promise<string> {
  const candidates = [...new Set([...(process.env.TMPDIR ? [] : await roomyShm()), os.tmpdir(), '/tmp'])];
  if (!runAs) return candidates[0]!;
  for (const dir of candidates) {
    if (await traversableBy(dir, runAs)) return dir;
  }
  throw new EngineUnavailableError(`user ${runAs.user} cannot reach the temp dir ${os.tmpdir()}`, [
    `Set TMPDIR to a folder whose parents ${runAs.user} may enter (e.g. TMPDIR=/tmp), or run pgsquash as a normal user.`,
  ]);
}

async function roomyShm(): Promise<string[]> {
  try {
    const fs = await statfs(SHM_DIR);
    await access(SHM_DIR, constants.W_OK);
    return fs.bavail * fs.bsize >= SHM_MIN_FREE_BYTES ? [SHM_DIR] : [];
  } catch {
    return [];
  }
}

async function traversableBy(dir: string, who: RunAs): Promise<boolean> {
  let current = path.resolve(dir);
  for (;;) {
    let info;
    try {
      info = await stat(current);
    } catch {
      return false;
    }
    const bits = info.uid === who.uid ? 0o100 : info.gid === who.gid ? 0o010 : 0o001;
    if (!(info.mode & bits)) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * A finished initdb output for these binaries, made once and copied per cluster. Returns undefined
 * when the cache folder is not safely ours (another user could plant a template there); the caller
 * then runs initdb directly.
 */
export async function ensureTemplate(bins: PgBinaries, runAs: RunAs | undefined, baseDir: string, superuser = SUPERUSER): Promise<string | undefined> {
  const owner = process.getuid?.() ?? 0;
  const cacheRoot = path.join(baseDir, `pgsquash-initdb-cache-${owner}`);
  const key = createHash('sha256')
    .update(`${bins.binDir}\0${bins.versionText}\0${runAs?.uid ?? owner}${superuser === SUPERUSER ? '' : `\0${superuser}`}`)
    .digest('hex')
    .slice(0, 16);
  const template = path.join(cacheRoot, `${bins.major}-${key}`);
  await mkdir(cacheRoot, { recursive: true, mode: 0o755 });
  if (!(await safeCacheRoot(cacheRoot, owner))) return undefined;
  await removeStaleStaging(cacheRoot);
  if (existsSync(path.join(template, COMPLETE_MARK))) return template;
  const staging = `${template}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(staging, { mode: 0o700 });
  try {
    await initCluster(bins, staging, runAs, superuser);
    await writeFile(path.join(staging, COMPLETE_MARK), `${bins.versionText}\n`);
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

async function safeCacheRoot(dir: string, owner: number): Promise<boolean> {
  const info = await lstat(dir);
  return info.isDirectory() && info.uid === owner && (info.mode & 0o022) === 0;
}

/** Staging dirs of processes that died mid-initdb (kill -9, power loss). */
async function removeStaleStaging(cacheRoot: string): Promise<void> {
  for (const entry of await readdir(cacheRoot)) {
    const match = /\.tmp-(\d+)-[0-9a-f]+$/.exec(entry);
    if (!match) continue;
    const dir = path.join(cacheRoot, entry);
    const info = await stat(dir).catch(() => undefined);
    if (!info) continue;
    if (!pidAlive(Number(match[1])) || Date.now() - info.mtimeMs > STALE_STAGING_MS) await rm(dir, { recursive: true, force: true });
  }
}


/**
 * initdb into `dataDir` (created here, or existing and empty), plus our pg_hba: the socket is
 * trusted (its dir is private to this cluster), TCP needs the random password.
 */
export async function initCluster(bins: PgBinaries, dataDir: string, runAs: RunAs | undefined, superuser = SUPERUSER): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
  const attempt = (locale: string) =>
    run(
      path.join(bins.binDir, 'initdb'),
      ['-D', dataDir, '-U', superuser, '--auth=trust', '-N', '-E', 'UTF8', `--locale=${locale}`, '--wal-segsize=1'],
      { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), env: { ...process.env, LC_ALL: 'C' } },
    );
  try {
    await attempt('C.UTF-8');
  } catch {
    // Some builds lack the C.UTF-8 locale; plain C is always there.
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { mode: 0o700 });
    if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
    try {
      await attempt('C');
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr || (error as Error).message;
      throw new EngineUnavailableError(`initdb failed (${bins.binDir}/initdb)`, [
        ...stderr.trim().split('\n').slice(-5),
        'Check that the binaries work (run initdb by hand) or pick others with --pg-bin / --pg-version.',
      ]);
    }
  }
  const hba = path.join(dataDir, 'pg_hba.conf');
  await writeFile(hba, ['local all all trust', 'host all all 127.0.0.1/32 scram-sha-256', 'host all all ::1/128 scram-sha-256', ''].join('\n'));
  if (runAs) await chown(hba, runAs.uid, runAs.gid);
}

/** A cluster's data dir: a copy of the cached template, or a fresh initdb when there is no cache. */
export async function prepareDataDir(bins: PgBinaries, runAs: RunAs | undefined, baseDir: string, dataDir: string, superuser = SUPERUSER): Promise<void> {
  const template = await ensureTemplate(bins, runAs, baseDir, superuser);
  if (!template) return initCluster(bins, dataDir, runAs, superuser);
  await run('cp', ['-a', template, dataDir]);
  await rm(path.join(dataDir, COMPLETE_MARK), { force: true });
}
