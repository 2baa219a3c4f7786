/** The discover stage (`pgsquash plan`): which migrations, in which order, run how. */
export { discover } from './discover.js';
export { formatPlan } from './format-plan.js';
export type { DirEntry, DiscoverFs, EntryKind } from './fs.js';
export { nodeFs } from './fs.js';
export type {
  Diagnostic,
  DiagnosticLevel,
  DiscoverOptions,
  IgnoredFile,
  Migration,
  MigrationFormat,
  MigrationSet,
  TransactionMode,
} from './types.js';
export { migrationFormats } from './types.js';
