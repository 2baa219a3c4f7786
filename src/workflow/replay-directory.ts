import type { MigrationSet } from '../discover/types.js';
import { describeEngine, REPLAY_DATABASE } from '../engine/index.js';
import type { Database } from '../engine/index.js';
import { ReplayFailedError, replay, type ReplayOptions, type ReplayResult } from '../replay/index.js';
import { explainFailure } from '../report/explain.js';
import type { PipelineOptions } from './options.js';
import { prepareRun, startEngine } from './prepare.js';

export interface ReplayDirectoryResult {
  set: MigrationSet;
  engine: string;
  preset: string | undefined;
  result: ReplayResult;
}

/** `pgsquash replay`: discover, start an engine, replay into a scratch database, release it all. */
export async function replayDirectory(dir: string, options: PipelineOptions = {}): Promise<ReplayDirectoryResult> {
  const prepared = await prepareRun(dir, options);
  const engine = await startEngine(prepared, options);
  try {
    const db = await engine.createDatabase(REPLAY_DATABASE);
    try {
      const result = await replayExplained(prepared.set, db, prepared.replay);
      return { set: prepared.set, engine: describeEngine(engine), preset: prepared.preset?.name, result };
    } finally {
      await db.drop();
    }
  } finally {
    await engine.close();
  }
}

/** The replay stage, with failures that explain themselves (an object created by a later file). */
export function replayExplained(set: MigrationSet, db: Database, options: ReplayOptions): Promise<ReplayResult> {
  return replay(set, db, options).catch((error: unknown) => {
    throw error instanceof ReplayFailedError ? explainFailure(error, set) : error;
  });
}
