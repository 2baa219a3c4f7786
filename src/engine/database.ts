import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from './types.js';

export async function readServerVersion(config: pg.ClientConfig): Promise<number> {
  const client = new pg.Client({ ...config, database: config.database ?? 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    return Number(rows[0]?.v);
  } finally {
    await client.end();
  }
}

export function connectionUrl(config: pg.ClientConfig, database: string, hidePassword: boolean): string {
  const user = encodeURIComponent(String(config.user ?? ''));
  const password = config.password ? `:${hidePassword ? '***' : encodeURIComponent(String(config.password))}` : '';
  return `postgres://${user}${password}@${config.host}:${config.port}/${encodeURIComponent(database)}`;
}

/**
 * Creates a uniquely named database on a server we control (embedded or container) or a scratch
 * database on a user's server; `drop()` removes it, terminating leftover sessions first.
 */
export async function createServerDatabase(
  serverConfig: pg.ClientConfig,
  prefix: string,
  onDrop: () => void,
  maintenanceDatabase = 'postgres',
): Promise<Database> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ ...serverConfig, database: maintenanceDatabase });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
  const config: pg.ClientConfig = { ...serverConfig, database: name };
  let dropped = false;
  return {
    name,
    config,
    url: connectionUrl(serverConfig, name, false),
    safeUrl: connectionUrl(serverConfig, name, true),
    async connect(overrides = {}) {
      const client = new pg.Client({ ...config, ...overrides });
      await client.connect();
      return client;
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      onDrop();
      const client = new pg.Client({ ...serverConfig, database: maintenanceDatabase });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
