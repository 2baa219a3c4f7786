import { randomBytes, randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import type pg from 'pg';
import { EngineUnavailableError } from '../errors.js';
import { bundledBinDir, BUNDLED_MAJOR, systemMajors } from './binaries.js';
import { SUPERUSER } from './cluster-files.js';
import { pidAlive } from '../util/process.js';
import { clusterDatabases, connectionUrl, readServerVersion, type ServerAccess } from './database.js';
import { track } from './lifecycle.js';
import { redactError } from '../util/redact.js';
import type { Engine, EngineOptions } from './types.js';

const PG_PORT = 5432;
const READY_TIMEOUT_MS = 60_000;
const LABEL_SESSION = 'pgsquash.session';
const LABEL_PID = 'pgsquash.pid';
const LABEL_HOST = 'pgsquash.host';

/** Engine internals tests look at to prove the container is gone. */
export interface DockerEngine extends Engine {
  readonly kind: 'docker';
  readonly containerId: string;
}

const NO_RUNTIME_HINTS = [
  'Start Docker or podman, or point DOCKER_HOST at a running one (e.g. DOCKER_HOST=unix:///run/podman/podman.sock).',
  'Or use --engine embedded, which needs no container runtime.',
];

/**
 * A Postgres container through testcontainers. Ryuk (testcontainers' reaper) may be unavailable,
 * so the container is stopped and removed by us: on close, on error and on SIGINT/SIGTERM;
 * containers left by a pgsquash that was killed hard are removed at the next start.
 */
export async function startDocker(options: EngineOptions): Promise<DockerEngine> {
  const image = options.image ?? `postgres:${options.pgVersion ?? BUNDLED_MAJOR}`;
  const tc = await import('testcontainers');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  let client: Awaited<ReturnType<typeof tc.getContainerRuntimeClient>>;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (error) {
    throw new EngineUnavailableError(`no Docker or podman runtime is reachable for --engine docker`, [...NO_RUNTIME_HINTS, `(testcontainers: ${redactError(error)})`]);
  }
  await removeOrphans(client);

  const superuser = options.superuser ?? SUPERUSER;
  const password = randomBytes(18).toString('base64url');
  const session = randomUUID();
  const container = new PostgreSqlContainer(image)
    .withUsername(superuser)
    .withPassword(password)
    .withDatabase('postgres')
    .withLabels({ [LABEL_SESSION]: session, [LABEL_PID]: String(process.pid), [LABEL_HOST]: processHome() })
    // Throwaway data: nothing needs to survive a crash.
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_locks_per_transaction=1024'])
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    // Readiness is proven by a real query below, not by health checks or log-line counts, which
    // differ between images and runtimes.
    .withWaitStrategy(tc.Wait.forListeningPorts())
    .withStartupTimeout(READY_TIMEOUT_MS);

  const starting = container.start();
  starting.catch(() => undefined);
  const registration = track(`container ${image}`, async () => {
    const started = await starting.catch(() => undefined);
    if (started) await started.stop({ timeout: 0, remove: true });
    else await removeSession(client, session);
  });
  try {
    const started = await starting.catch((error: unknown) => {
      throw new EngineUnavailableError(`cannot start a container from ${image}: ${redactError(error, [password])}`, [
        `Check that the image exists or can be pulled (docker pull ${image}), or pass another with --image.`,
        ...NO_RUNTIME_HINTS.slice(1),
      ]);
    });
    const serverConfig: pg.ClientConfig = { host: started.getHost(), port: started.getMappedPort(PG_PORT), user: superuser, password };
    const { versionNum: serverVersionNum, version: serverVersion } = await waitForQuery(serverConfig, password);
    const major = Math.floor(serverVersionNum / 10000);
    const access: ServerAccess = {
      // not postgres: --scratch-db may replace that one
      admin: { ...serverConfig, database: 'template1' },
      serverVersionNum,
      configFor: (database) => ({ ...serverConfig, database }),
      urlFor: (database) => connectionUrl(serverConfig, database),
      secrets: [password],
      check: () => undefined,
    };
    const makeDatabase = clusterDatabases(access, options.scratchName);
    const location = `${serverConfig.host}:${serverConfig.port} (container ${started.getId().slice(0, 12)} from ${image})`;
    options.log?.(`docker Postgres ${serverVersion} on ${location}`);
    let closed = false;
    return {
      kind: 'docker',
      serverVersionNum,
      serverVersion,
      major,
      binDir: systemMajors().get(major) ?? (major === BUNDLED_MAJOR ? bundledBinDir() : undefined),
      superuser,
      location,
      containerId: started.getId(),
      async createDatabase(prefix = 'pgsquash') {
        if (closed) throw new EngineUnavailableError('the docker engine is closed');
        return makeDatabase(prefix);
      },
      async close() {
        closed = true;
        await registration.release();
      },
    };
  } catch (error) {
    await registration.release();
    throw error;
  }
}

/** The port may be forwarded before Postgres listens, and official images restart once after init. */
async function waitForQuery(config: pg.ClientConfig, password: string): Promise<{ versionNum: number; version: string }> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      return await readServerVersion(config, [password]);
    } catch (error) {
      if (Date.now() > deadline) {
        throw new EngineUnavailableError(`the container's Postgres did not answer within ${READY_TIMEOUT_MS / 1000} s: ${redactError(error, [password])}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

type RuntimeClient = Awaited<ReturnType<(typeof import('testcontainers'))['getContainerRuntimeClient']>>;

async function removeSession(client: RuntimeClient, session: string): Promise<void> {
  const container = await client.container.fetchByLabel(LABEL_SESSION, session).catch(() => undefined);
  if (container) await container.remove({ force: true, v: true }).catch(() => undefined);
}

/** Containers of a pgsquash on this host that was killed before it could stop them. */
async function removeOrphans(client: RuntimeClient): Promise<void> {
  const running = await client.container.list().catch(() => []);
  for (const info of running) {
    const labels = info.Labels ?? {};
    const pid = Number(labels[LABEL_PID]);
    if (!labels[LABEL_SESSION] || labels[LABEL_HOST] !== processHome() || !pid || pidAlive(pid)) continue;
    await client.container.getById(info.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** Host name plus pid namespace: a pid only means something inside the namespace that issued it. */
function processHome(): string {
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // not Linux: the host name alone
  }
  return `${os.hostname()} ${namespace}`.trim();
}
