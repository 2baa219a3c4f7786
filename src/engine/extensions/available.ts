import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { EngineUnavailableError } from '../../errors.js';
import { BUNDLED_MAJOR, bundledBinDir, systemMajors } from '../binaries.js';
import { pgliteExtensionModules } from '../pglite.js';
import type { Engine } from '../types.js';
import type { ExtensionUse } from './required.js';
import { nativeShareDir, stubNames } from './stubs.js';

/** Extension names `CREATE EXTENSION` accepts on a connected server. */
export async function availableExtensionsOn(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_available_extensions');
  return new Set(rows.map((row) => row.name));
}

const cache = new WeakMap<object, Promise<Set<string>>>();

/**
 * What the engine can `CREATE EXTENSION` (stub extensions it was given included). Asks a scratch
 * database once per engine; an engine that already knows its list (pglite) answers directly.
 */
export function availableExtensions(engine: Pick<Engine, 'createDatabase'> & { extensions?: readonly string[] }): Promise<Set<string>> {
  if (engine.extensions) return Promise.resolve(new Set(engine.extensions));
  let found = cache.get(engine);
  if (!found) {
    found = (async () => {
      const db = await engine.createDatabase('pgsquash_ext');
      try {
        const client = await db.connect();
        try {
          return await availableExtensionsOn(client);
        } finally {
          await client.end();
        }
      } finally {
        await db.drop();
      }
    })();
    cache.set(engine, found);
  }
  return found;
}

/** An engine this machine can start without Docker, and what it offers, found without starting it. */
export interface LocalEngine {
  kind: 'embedded' | 'pglite';
  /** For `embedded`: the binaries to use as `pgBin` (undefined = the bundled default). */
  pgBin?: string;
  major: number;
  /** How to ask for it on the command line. */
  flags: string;
  extensions: Set<string>;
}

/** Postgres major PGlite runs; tied to the pinned @electric-sql/pglite 0.4.6 (Postgres 17.5). */
export const PGLITE_MAJOR = 17;

/**
 * Local engines in the order `--engine auto` prefers them: the bundled native build, other native
 * majors (newest first), then PGlite (slower, in process, but it has pgvector).
 */
export async function localEngines(): Promise<LocalEngine[]> {
  const engines: LocalEngine[] = [];
  const bundled = bundledBinDir();
  if (bundled) {
    engines.push({ kind: 'embedded', major: BUNDLED_MAJOR, flags: '--engine embedded', extensions: await nativeExtensions(bundled) });
  }
  for (const [major, binDir] of [...systemMajors()].sort((a, b) => b[0] - a[0])) {
    engines.push({ kind: 'embedded', pgBin: binDir, major, flags: `--engine embedded --pg-bin ${binDir}`, extensions: await nativeExtensions(binDir) });
  }
  try {
    const names = pgliteExtensionModules().keys();
    engines.push({ kind: 'pglite', major: PGLITE_MAJOR, flags: '--engine pglite', extensions: new Set(['plpgsql', ...names]) });
  } catch {
    // @electric-sql/pglite is not installed: not a candidate
  }
  return engines;
}

/** Extensions a native install ships: its `<sharedir>/extension/*.control` files. */
export async function nativeExtensions(binDir: string): Promise<Set<string>> {
  const dir = path.join(await nativeShareDir(binDir), 'extension');
  if (!existsSync(dir)) return new Set();
  return new Set(readdirSync(dir).filter((file) => file.endsWith('.control')).map((file) => file.slice(0, -'.control'.length)));
}

export interface EngineChoice {
  engine: LocalEngine;
  /** Required extensions this engine lacks that stubs stand in for. */
  stubs: string[];
}

/**
 * The first local engine that can create every required extension, natively or through one of the
 * allowed stubs; undefined when none can (then report with {@link missingExtensionsError}).
 */
export function chooseEngine(required: string[], engines: LocalEngine[], allowedStubs: string[]): EngineChoice | undefined {
  const stubbable = new Set(allowedStubs.filter((name) => stubNames().includes(name)));
  for (const engine of engines) {
    const missing = required.filter((name) => !engine.extensions.has(name));
    if (missing.every((name) => stubbable.has(name))) return { engine, stubs: missing };
  }
  return undefined;
}

/**
 * The error for extensions the chosen engine cannot create: which extension, where the migrations
 * first create it, and which engines (or stub) would have it.
 */
export function missingExtensionsError(
  missing: ExtensionUse[],
  /** The engine that was asked for; null when no local engine fits. */
  engineLabel: string | null,
  engines: LocalEngine[],
): EngineUnavailableError {
  const stubs = new Set(stubNames());
  const details = missing.map((use) => {
    const where = `${use.path}:${use.line}`;
    const having = engines.filter((engine) => engine.extensions.has(use.name)).map((engine) => engine.flags);
    const options = [
      ...having,
      ...(stubs.has(use.name) ? [`--stub-extension ${use.name} (stand-in: replay only, never emitted)`] : []),
    ];
    return options.length
      ? `"${use.name}" (created at ${where}): available with ${options.join(' or ')}`
      : `"${use.name}" (created at ${where}): no local engine has it; use --engine docker --image <an image that has it>, or --engine url`;
  });
  const names = missing.map((use) => `"${use.name}"`).join(', ');
  const extensions = `extension${missing.length > 1 ? 's' : ''} ${names}`;
  return new EngineUnavailableError(engineLabel ? `${engineLabel} cannot create ${extensions}` : `no local engine can create ${extensions}`, details);
}
