/**
 * `pgsquash report`: replay the set with provenance recording, read the resulting catalog, and
 * build the report. (squash and baseline build theirs from their own replay, see workflow/baseline.ts.)
 */
import { performance } from 'node:perf_hooks';
import { describeEngine } from '../engine/index.js';
import { replayAndIntrospect } from '../workflow/baseline.js';
import type { PipelineOptions } from '../workflow/options.js';
import { prepareRun, startEngine } from '../workflow/prepare.js';
import { buildReport, type Report } from './build.js';
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
  const recorder = new ReportRecorder(prepared.set);
  try {
    const replayed = await replayAndIntrospect(engine, prepared.set, { ...prepared.replay, ...recorder.hooks() }, !options.schemaOnly);
    const report = buildReport({
      set: prepared.set,
      replay: replayed.result,
      catalog: replayed.catalog,
      recorded: recorder.result(),
      timings: { replayMs: replayed.replayMs, introspectMs: replayed.introspectMs, totalMs: performance.now() - t0 },
    });
    return { report, engine: describeEngine(engine) };
  } finally {
    await recorder.close();
    await engine.close();
  }
}
