/**
 * `pgsquash report`: replay the set with provenance recording, read the resulting catalog, and
 * build the report. (squash builds its report from its own replay with the same recorder.)
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { introspect, snapshot, type CatalogSnapshot } from '../catalog/index.js';
import { describeEngine, type Database } from '../engine/index.js';
import { ReplayFailedError, replay } from '../replay/index.js';
import type { PipelineOptions } from '../workflow/options.js';
import { prepareRun, startEngine } from '../workflow/prepare.js';
import { buildReport, type Report } from './build.js';
import { explainFailure } from './explain.js';
import { ReportRecorder } from './recorder.js';

export interface ReportOptions extends PipelineOptions {
  /** Leave reference data out of the summary. */
  schemaOnly?: boolean;
}

export interface ReportRun {
  report: Report;
  engine: string;
}

export async function reportDirectory(dir: string, options: ReportOptions = {}): Promise<ReportRun> {
  const t0 = performance.now();
  const prepared = await prepareRun(dir, options);
  const engine = await startEngine(prepared, options);
  try {
    const db = await engine.createDatabase('pgsquash_report');
    const recorder = new ReportRecorder(prepared.set);
    try {
      const tReplay = performance.now();
      let before: CatalogSnapshot | undefined;
      const result = await replay(prepared.set, db, {
        ...prepared.replay,
        ...recorder.hooks({ onPreludesDone: async ({ db: target }) => void (before = await withClient(target, snapshot)) }),
      }).catch((error: unknown) => {
        throw error instanceof ReplayFailedError ? explainFailure(error, prepared.set) : error;
      });
      const tIntrospect = performance.now();
      const catalog = await withClient(db, (client) => introspect(client, { ...(before ? { before } : {}), includeData: !options.schemaOnly }));
      const report = buildReport({
        set: prepared.set,
        replay: result,
        catalog,
        recorded: recorder.result(),
        timings: { replayMs: tIntrospect - tReplay, introspectMs: performance.now() - tIntrospect, totalMs: performance.now() - t0 },
      });
      return { report, engine: describeEngine(engine) };
    } finally {
      await recorder.close();
      await db.drop();
    }
  } finally {
    await engine.close();
  }
}

async function withClient<T>(db: Database, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
