/**
 * pgsquash as a library: each job is one function returning plain data; nothing here prints or
 * exits. Errors are typed (see errors.ts) and carry the CLI's exit code.
 */
export { VERSION } from './version.js';
export * from './errors.js';
export { discover, formatPlan } from './discover/index.js';
export type * from './discover/types.js';
export { createEngine, describeEngine, engineKinds, type Database, type Engine, type EngineKind, type EngineOptions } from './engine/index.js';
export { replay, ReplayFailedError, splitSql, historyTableKinds, type ReplayOptions, type ReplayResult } from './replay/index.js';
export { introspect, snapshot, UncoveredObjectsError, type Catalog, type CatalogSnapshot } from './catalog/index.js';
export { emitBaseline, type EmitOptions, type HeaderInfo } from './emit/index.js';
export { compareCatalogs, type Difference } from './verify/index.js';
export { loadPreset, detectPreset, presetNames } from './presets/index.js';
export type { PipelineOptions } from './workflow/options.js';
export { prepareRun, startEngine, inputDigest } from './workflow/prepare.js';
export { replayDirectory, type ReplayDirectoryResult } from './workflow/replay-directory.js';
export { buildBaseline, type BaselineOptions, type BaselineResult } from './workflow/baseline.js';
/** `plan` is discovery under the name of its command. */
export { discover as plan } from './discover/index.js';
