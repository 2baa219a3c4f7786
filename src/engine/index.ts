import { UsageError } from '../errors.js';
import type { Engine, EngineKind, EngineOptions } from './types.js';

export type { Database, Engine, EngineKind, EngineOptions } from './types.js';
export { engineKinds } from './types.js';
export { REPLAY_DATABASE } from './database.js';
export { redactUrl, redactText } from '../util/redact.js';

type Starter = (options: EngineOptions) => Promise<Engine>;

/**
 * One entry per engine kind. Loaded lazily so `--engine embedded` never pays for testcontainers;
 * a new kind is one more line here (and its name in `engineKinds`).
 */
const starters: Record<EngineKind, () => Promise<Starter>> = {
  embedded: async () => (await import('./embedded.js')).startEmbedded,
  docker: async () => (await import('./docker.js')).startDocker,
  url: async () => (await import('./url.js')).startUrlEngine,
  pglite: async () => (await import('./pglite.js')).startPglite,
};

/** Starts (or connects to) the Postgres server the pipeline replays into. Always `close()` it. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const load = (starters as Partial<Record<string, () => Promise<Starter>>>)[options.kind];
  if (!load) throw new UsageError(`unknown engine "${options.kind}"`, [`Use one of: ${Object.keys(starters).join(', ')}.`]);
  if (options.superuser !== undefined && (options.kind === 'pglite' || options.kind === 'url')) {
    throw new UsageError(`--superuser is for the embedded and docker engines; ${options.kind === 'url' ? 'the url engine logs in as the URL says' : 'PGlite always runs as postgres'}`, [
      'Drop --superuser, or pick --engine embedded or docker.',
    ]);
  }
  return (await load())(options);
}

/** One line for logs: kind, version and where it runs; never a password. */
export function describeEngine(engine: Engine): string {
  const version = engine.serverVersion ?? `${engine.major}`;
  return `${engine.kind} engine, Postgres ${version}${engine.location ? ` at ${engine.location}` : ''}`;
}
