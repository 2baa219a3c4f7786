/**
 * Child process: one replay of a directory on a fresh PG 15 engine, with or without provenance
 * tracking (ProvenanceTracker hooks), so the parent can stop a run that grows past its time limit.
 * argv[2] is JSON {dir, options, tracked}; prints one JSON line {replayMs, trackerMs}.
 */
import { discover } from '../src/discover/index.js';
import { createEngine } from '../src/engine/index.js';
import { replay, type ReplayOptions } from '../src/replay/index.js';
import { ProvenanceTracker } from '../src/replay/provenance.js';

const { dir, options, tracked } = JSON.parse(process.argv[2] ?? '{}') as { dir: string; options: ReplayOptions; tracked: boolean };
const set = await discover(dir);
const engine = await createEngine({ kind: 'embedded', pgBin: '/usr/lib/postgresql/15/bin' });
try {
  const db = await engine.createDatabase('provenance');
  const tracker = tracked ? new ProvenanceTracker(set.migrations) : undefined;
  const result = await replay(set, db, { ...options, ...tracker?.hooks() });
  await tracker?.close();
  console.log(JSON.stringify({ replayMs: result.durationMs, trackerMs: tracker?.elapsedMs ?? 0 }));
} finally {
  await engine.close();
}
