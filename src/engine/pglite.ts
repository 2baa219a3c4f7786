import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Extension, PGlite as PGliteInstance, PGliteOptions } from '@electric-sql/pglite';
import { EngineUnavailableError } from '../errors.js';
import { BUNDLED_MAJOR, bundledBinDir } from './binaries.js';
import { readStub } from './extensions/stubs.js';
import { track } from './lifecycle.js';
import type { Database, Engine, EngineOptions } from './types.js';

/**
 * Postgres compiled to WebAssembly (PGlite), in this process, with pgvector and the contrib
 * extensions: the engine for migrations that need an extension no native install here has.
 *
 * PGlite serves one database per instance, so every `createDatabase()` starts its own instance
 * from a data-dir snapshot (initdb runs once, then is cached under the OS temp dir) and exposes it
 * on a loopback port through pglite-socket: the rest of the pipeline talks to it over `pg` like
 * to any other server. Connections to one database share its single backend session (pglite-socket
 * queues their queries), so a transaction or `SET` on one connection is seen by the others: use
 * one connection at a time. There is no password (loopback only) and no pg_dump of its own; the
 * bundled client binaries match its major and are offered as `binDir`.
 */
export interface PgliteEngine extends Omit<Engine, 'kind'> {
  readonly kind: 'pglite';
  /** Extension names `CREATE EXTENSION` accepts here, stubs included. */
  readonly extensions: readonly string[];
}

export interface PgliteOptions extends Pick<EngineOptions, 'log'> {
  /** Stub extensions (presets/stubs) to make available in every database. */
  stubExtensions?: string[];
}

const require = createRequire(import.meta.url);
const SUPERUSER = 'postgres';
const DATABASE = 'postgres';
/** pglite-socket multiplexes connections onto the one backend; a few cover pool-style callers. */
const MAX_CONNECTIONS = 8;

/** Extension name (as in CREATE EXTENSION) → module of the pglite package that provides it. */
export function pgliteExtensionModules(): Map<string, string> {
  const modules = new Map<string, string>([['vector', '@electric-sql/pglite/vector']]);
  const contribDir = path.join(pglitePackageDir(), 'dist', 'contrib');
  for (const file of readdirSync(contribDir)) {
    const match = /^(\w+)\.js$/.exec(file);
    if (!match?.[1]) continue;
    // Module names use `_` where the extension name has `-` (uuid_ossp → "uuid-ossp").
    const name = match[1] === 'uuid_ossp' ? 'uuid-ossp' : match[1];
    modules.set(name, `@electric-sql/pglite/contrib/${match[1]}`);
  }
  return modules;
}

export function pgliteVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(pglitePackageDir(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export async function startPglite(options: PgliteOptions = {}): Promise<PgliteEngine> {
  let PGlite: typeof import('@electric-sql/pglite').PGlite;
  let PGLiteSocketServer: typeof import('@electric-sql/pglite-socket').PGLiteSocketServer;
  try {
    ({ PGlite } = await import('@electric-sql/pglite'));
    ({ PGLiteSocketServer } = await import('@electric-sql/pglite-socket'));
  } catch (error) {
    throw new EngineUnavailableError('the pglite engine needs @electric-sql/pglite and @electric-sql/pglite-socket', [
      'Install them: npm install @electric-sql/pglite@0.4.6 @electric-sql/pglite-socket@0.1.6',
    ], { cause: error });
  }

  const extensions = await loadExtensionModules();
  const stubs = (options.stubExtensions ?? []).filter((name) => !extensions[name]).map(readStub);
  const template = await ensureTemplate(PGlite);
  // Compiling the WebAssembly once saves every later instance a few hundred milliseconds.
  // The project's lib settings (ES2023, no DOM) do not declare WebAssembly; take its type from PGlite's options.
  type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
  const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
  const pgliteWasmModule = await wasm.compile(await readFile(path.join(pglitePackageDir(), 'dist', 'pglite.wasm'))).catch(() => undefined);

  type Open = { db: PGliteInstance; server: InstanceType<typeof PGLiteSocketServer> };
  const open = new Set<Open>();
  const closeOne = async (entry: Open) => {
    open.delete(entry);
    try {
      await entry.server.stop();
    } finally {
      if (!entry.db.closed) await entry.db.close();
    }
  };
  const registration = track('pglite engine', async () => {
    await Promise.allSettled([...open].map(closeOne));
  });

  const start = async (): Promise<Open & { port: number }> => {
    const db = await PGlite.create({
      loadDataDir: new Blob([template]),
      extensions,
      relaxedDurability: true,
      ...(pgliteWasmModule ? { pgliteWasmModule } : {}),
    });
    try {
      if (stubs.length) {
        const { rows } = await db.query<{ dir: string }>(`SELECT setting AS dir FROM pg_config WHERE name = 'SHAREDIR'`);
        const extensionDir = path.posix.join(rows[0]?.dir ?? '/tmp/pglite/share/postgresql', 'extension');
        for (const stub of stubs) {
          for (const file of stub.files) db.copyToFS(path.posix.join(extensionDir, file.name), Buffer.from(file.content, 'utf8'), 0o644);
        }
      }
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
      await server.start();
      const port = Number(/:(\d+)$/.exec(server.getServerConn())?.[1]);
      if (!port) throw new EngineUnavailableError(`pglite-socket did not report a port (${server.getServerConn()})`);
      const entry = { db, server };
      open.add(entry);
      return { ...entry, port };
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
  };

  try {
    // The first instance tells the version and the extension list; it serves the first database.
    let first: (Open & { port: number }) | undefined = await start();
    const { rows } = await first.db.query<{ v: string; text: string; names: string[] }>(
      `SELECT current_setting('server_version_num') AS v, current_setting('server_version') AS text,
              array(SELECT name FROM pg_available_extensions ORDER BY name) AS names`,
    );
    const serverVersionNum = Number(rows[0]?.v);
    const major = Math.floor(serverVersionNum / 10000);
    const serverVersion = (rows[0]?.text ?? '').split(' ')[0] ?? '';
    options.log?.(`pglite ${pgliteVersion()} (Postgres ${serverVersion}) in process, one instance per database`);
    const binDir = major === BUNDLED_MAJOR ? bundledBinDir() : undefined;

    const engine: PgliteEngine = {
      kind: 'pglite',
      serverVersionNum,
      major,
      serverVersion,
      location: `in-process PGlite ${pgliteVersion()}`,
      binDir,
      superuser: SUPERUSER,
      extensions: rows[0]?.names ?? [],
      async createDatabase() {
        const entry = first ?? (await start());
        first = undefined;
        return socketDatabase(entry.port, () => closeOne(entry));
      },
      async close() {
        await registration.release();
      },
    };
    return engine;
  } catch (error) {
    await registration.release();
    throw error;
  }
}

function socketDatabase(port: number, stop: () => Promise<void>): Database {
  const config: pg.ClientConfig = { host: '127.0.0.1', port, user: SUPERUSER, database: DATABASE };
  const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/${DATABASE}`;
  let dropped: Promise<void> | undefined;
  return {
    name: DATABASE,
    config,
    url,
    safeUrl: url,
    async connect(overrides = {}) {
      const client = new pg.Client({ ...config, ...overrides });
      await client.connect();
      return client;
    },
    drop() {
      dropped ??= stop();
      return dropped;
    },
  };
}

async function loadExtensionModules(): Promise<Record<string, Extension>> {
  const loaded: Record<string, Extension> = {};
  for (const [name, specifier] of pgliteExtensionModules()) {
    const mod = (await import(specifier)) as Record<string, unknown>;
    const extension = Object.values(mod).find((value): value is Extension =>
      typeof value === 'object' && value !== null && typeof (value as Extension).setup === 'function');
    // PGlite keys extensions by namespace, not by SQL name; any unique key works.
    if (extension) loaded[name] = extension;
  }
  return loaded;
}

/**
 * A data dir right after initdb, as a tar: initdb in WebAssembly takes seconds, loading a snapshot
 * a fraction of that. Cached per PGlite version under the OS temp dir.
 */
async function ensureTemplate(PGlite: typeof import('@electric-sql/pglite').PGlite): Promise<Uint8Array> {
  const cacheRoot = path.join(os.tmpdir(), 'pgsquash-pglite-cache');
  const file = path.join(cacheRoot, `pglite-${pgliteVersion()}.tar`);
  if (existsSync(file)) return new Uint8Array(await readFile(file));
  const db = await PGlite.create();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  } finally {
    await db.close();
  }
  await mkdir(cacheRoot, { recursive: true });
  const staging = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(staging, bytes);
    await rename(staging, file);
  } catch {
    await rm(staging, { force: true });
  }
  return bytes;
}

function pglitePackageDir(): string {
  // The package's exports hide package.json; its main entry lives in dist/.
  return path.resolve(path.dirname(require.resolve('@electric-sql/pglite')), '..');
}
