import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { startDocker } from '../../src/engine/docker.js';
import { describeEngine } from '../../src/engine/index.js';
import { holdEngine } from './helpers.js';

/**
 * Real containers through testcontainers. Here that is podman behind a Docker-compatible socket
 * (`source ../shared/tools/podman-testcontainers.sh up`), with the local image below.
 */
const runtimeReachable = Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
const image = process.env.PGSQUASH_DOCKER_IMAGE ?? 'localhost/postgres:15-local';
if (!runtimeReachable) {
  console.warn(
    'docker engine tests skipped: DOCKER_HOST is unset and /var/run/docker.sock does not exist ' +
      '(run `source ../shared/tools/podman-testcontainers.sh up` first).',
  );
}

/** Whether a container with this id still exists (running or not), asked of the runtime itself. */
async function containerExists(id: string): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  try {
    await client.container.getById(id).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

describe.runIf(runtimeReachable)(`docker engine (${image})`, () => {
  test('serves databases from a container and removes the container on close', async () => {
    const lines: string[] = [];
    const engine = await startDocker({ kind: 'docker', image, log: (l) => lines.push(l) });
    let id = '';
    try {
      id = engine.containerId;
      expect(await containerExists(id)).toBe(true);
      const db = await engine.createDatabase();
      const client = await db.connect();
      try {
        const { rows } = await client.query<{ db: string; v: string }>(`SELECT current_database() AS db, current_setting('server_version_num') AS v`);
        expect(rows[0]!.db).toBe(db.name);
        expect(Math.floor(Number(rows[0]!.v) / 10000)).toBe(engine.major);
      } finally {
        await client.end();
      }
      const password = String(db.config.password);
      expect(describeEngine(engine)).toContain(`container ${id.slice(0, 12)} from ${image}`);
      for (const text of [...lines, describeEngine(engine), db.safeUrl]) expect(text).not.toContain(password);
    } finally {
      await engine.close();
    }
    expect(await containerExists(id)).toBe(false);
  });

  test('SIGINT of the process stops and removes its container', async () => {
    const held = await holdEngine(['docker'], { HOLD_IMAGE: image });
    const id = held.info.containerId!;
    expect(await containerExists(id)).toBe(true);
    process.kill(held.info.pid, 'SIGINT');
    expect((await held.exited).code).toBe(130);
    expect(await containerExists(id)).toBe(false);
  });

  test('a container of a pgsquash killed with -9 is removed by the next docker engine start (one with another superuser)', async () => {
    const held = await holdEngine(['docker'], { HOLD_IMAGE: image });
    const id = held.info.containerId!;
    process.kill(held.info.pid, 'SIGKILL');
    await held.exited;
    expect(await containerExists(id)).toBe(true);
    const next = await startDocker({ kind: 'docker', image, superuser: 'sq_admin' });
    try {
      const client = await (await next.createDatabase()).connect();
      try {
        const { rows } = await client.query(`SELECT current_user AS usr, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super`);
        expect(rows[0]).toEqual({ usr: 'sq_admin', super: true });
      } finally {
        await client.end();
      }
    } finally {
      await next.close();
    }
    expect(await containerExists(id)).toBe(false);
  });
});

test.runIf(!existsSync('/var/run/docker.sock'))('without a reachable runtime: exit-4 error saying how to get one', async () => {
  const held = holdEngine(['docker'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock', HOLD_IMAGE: image });
  const failure = await held.then(
    () => undefined,
    (error: Error) => error.message,
  );
  expect(failure).toBeDefined();
  expect(failure).toContain('EngineUnavailableError: no Docker or podman runtime is reachable for --engine docker');
  expect(failure).toContain('exitCode: 4');
  expect(failure).toContain('point DOCKER_HOST at a running one');
  expect(failure).toContain('Or use --engine embedded');
});
