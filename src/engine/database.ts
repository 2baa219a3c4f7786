import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { EngineUnavailableError } from '../errors.js';
import { redactError, redactUrl } from '../util/redact.js';
import type { Database } from './types.js';

/** How an engine reaches its server; shared by the embedded, docker and url engines. */
export interface ServerAccess {
  /** Where CREATE/DROP DATABASE run; nothing else is ever executed there. */
  readonly admin: pg.ClientConfig;
  /** `server_version_num`, e.g. 170010 (DROP ... WITH (FORCE) needs 13+). */
  readonly serverVersionNum: number;
  configFor(database: string): pg.ClientConfig;
  /** Connection URL for `database`, password included. */
  urlFor(database: string): string;
  /** Strings that must never appear in an error we raise (the password). */
  readonly secrets: readonly string[];
  /** Throws the engine's failure if the server died; called before and after connection errors. */
  check(): void;
}

export function scratchName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * Databases of an engine that owns its whole cluster (embedded, docker): `--scratch-db` names the
 * replay's (prefix REPLAY_DATABASE), for migrations that name their database (`ALTER DATABASE
 * postgres SET ...`); the cluster's own database of that name is dropped first (the cluster is a
 * throwaway one). The others get generated names. `access.admin` must not be that database
 * (template1 is).
 */
export function clusterDatabases(access: ServerAccess, replayName: string | undefined): (prefix: string) => Promise<Database> {
  let named = replayName;
  return async (prefix) => {
    if (named === undefined || prefix !== REPLAY_DATABASE) return createServerDatabase(access, scratchName(prefix), () => undefined);
    const name = named;
    named = undefined;
    await dropServerDatabase(access, name);
    return createServerDatabase(access, name, () => undefined);
  };
}

/** The prefix of the replay's database, the one `--scratch-db` names. */
export const REPLAY_DATABASE = 'pgsquash_replay';

/** What `scratchName` appends, as a POSIX regex on a database name: pgsquash's own databases. */
export const SCRATCH_SUFFIX = '_[0-9a-z]+_[0-9a-f]{8}$';

export async function readServerVersion(config: pg.ClientConfig, secrets: readonly string[] = []): Promise<{ versionNum: number; version: string }> {
  const client = await openClient({ ...config, database: config.database ?? 'postgres' }, secrets);
  try {
    const { rows } = await client.query<{ num: string; text: string }>(
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`,
    );
    return { versionNum: Number(rows[0]?.num), version: rows[0]?.text ?? '' };
  } finally {
    await client.end();
  }
}

export function connectionUrl(config: pg.ClientConfig, database: string): string {
  const user = encodeURIComponent(String(config.user ?? ''));
  const password = config.password ? `:${encodeURIComponent(String(config.password))}` : '';
  return `postgres://${user}${password}@${config.host}:${config.port}/${encodeURIComponent(database)}`;
}

/**
 * Connects, turning a failure into an EngineUnavailableError whose text carries no secret (driver
 * messages may echo connection strings). The client ignores 'error' events once connected: an
 * idle client whose server vanished would otherwise crash the process before cleanup runs; it
 * stays unusable, so the next query still fails.
 */
export async function openClient(config: pg.ClientConfig, secrets: readonly string[], check: () => void = () => undefined): Promise<pg.Client> {
  check();
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    check();
    const where = config.connectionString ? redactUrl(config.connectionString) : `${config.host}:${config.port}`;
    throw new EngineUnavailableError(`cannot connect to ${where}: ${redactError(error, secrets)}`);
  }
}

/**
 * Creates `name` on the server and returns it as a Database; `drop()` removes it, ending leftover
 * sessions first. CREATE DATABASE fails if the name exists, so we never adopt (and later drop) a
 * database someone else made.
 */
export async function createServerDatabase(access: ServerAccess, name: string, onDrop: () => void): Promise<Database> {
  const admin = await openClient(access.admin, access.secrets, () => access.check());
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8'`);
  } catch (error) {
    access.check();
    if ((error as { code?: string }).code === '42P04') {
      throw new EngineUnavailableError(`database "${name}" already exists on the server; pgsquash only works in databases it creates`, [
        'Drop it yourself if it is a leftover, or choose another scratch name.',
      ]);
    }
    throw new EngineUnavailableError(`cannot create database "${name}": ${redactError(error, access.secrets)}`);
  } finally {
    await admin.end();
  }
  const config: pg.ClientConfig = access.configFor(name);
  const url = access.urlFor(name);
  let dropped = false;
  return {
    name,
    config,
    url,
    safeUrl: redactUrl(url),
    connect(overrides = {}) {
      return openClient({ ...config, ...overrides }, access.secrets, () => access.check());
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      onDrop();
      await dropServerDatabase(access, name);
    },
  };
}

async function dropServerDatabase(access: ServerAccess, name: string): Promise<void> {
  const client = await openClient(access.admin, access.secrets);
  try {
    if (access.serverVersionNum >= 130000) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } else {
      await client.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} ALLOW_CONNECTIONS false`);
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
    }
  } catch (error) {
    throw new EngineUnavailableError(`cannot drop database "${name}": ${redactError(error, access.secrets)}`, [
      `Drop it by hand: DROP DATABASE "${name}";`,
    ]);
  } finally {
    await client.end();
  }
}
