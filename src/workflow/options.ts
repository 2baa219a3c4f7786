import type { MigrationFormat } from '../discover/types.js';
import type { EngineKind } from '../engine/types.js';
import type { HistoryTableKind, ReplayProgress } from '../replay/index.js';

/** Everything a pipeline run needs, as plain data; the CLI builds it from flags. */
export interface PipelineOptions {
  format?: MigrationFormat;
  orderFile?: string;
  /** `auto` (default): the bundled embedded engine, or another local one when it lacks an extension. */
  engine?: EngineKind | 'auto';
  pgVersion?: number;
  pgBin?: string;
  image?: string;
  databaseUrl?: string;
  scratchName?: string;
  /** A platform preset (`supabase`); `none` turns detection off; undefined detects. */
  preset?: string;
  stubExtensions?: string[];
  /** The engine's bootstrap superuser (embedded, docker); default `postgres`. */
  superuser?: string;
  preludes?: string[];
  settings?: Record<string, string>;
  role?: string;
  vars?: Record<string, string>;
  historyTable?: HistoryTableKind;
  templates?: 'auto' | 'off';
  /** One-line progress for people (engine started, preset detected, ...). */
  log?: (message: string) => void;
  onProgress?: (event: ReplayProgress) => void;
}
