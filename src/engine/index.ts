import { UsageError } from '../errors.js';
import { startEmbedded } from './embedded.js';
import type { Engine, EngineOptions } from './types.js';

export type { Database, Engine, EngineKind, EngineOptions } from './types.js';
export { engineKinds } from './types.js';

/** Starts (or connects to) the Postgres server the pipeline replays into. Always `close()` it. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  switch (options.kind) {
    case 'embedded':
      return startEmbedded(options);
    default:
      throw new UsageError(`engine "${options.kind}" is not available yet`);
  }
}
